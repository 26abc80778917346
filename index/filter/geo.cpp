// Geo predicates (see geo.hpp for the conventions). Polygon containment is a planar even-odd
// test in (lon, lat) degrees, as Qdrant's, with boundary points treated as outside.
#include "index/filter/geo.hpp"

#include <cmath>
#include <numbers>

namespace sextant::index::filter {
namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;

bool on_segment(const GeoPoint& p, const GeoPoint& a, const GeoPoint& b) {
  double cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
  if (std::abs(cross) > 1e-12) return false;
  return p.lon >= std::min(a.lon, b.lon) && p.lon <= std::max(a.lon, b.lon) &&
         p.lat >= std::min(a.lat, b.lat) && p.lat <= std::max(a.lat, b.lat);
}

enum class RingPosition { kOutside, kInside, kBoundary };

RingPosition locate(const std::vector<GeoPoint>& ring, const GeoPoint& p) {
  bool inside = false;
  size_t n = ring.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const GeoPoint& a = ring[i];
    const GeoPoint& b = ring[j];
    if (on_segment(p, a, b)) return RingPosition::kBoundary;
    if ((a.lat > p.lat) != (b.lat > p.lat)) {
      double crossing_lon = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
      if (p.lon < crossing_lon) inside = !inside;
    }
  }
  return inside ? RingPosition::kInside : RingPosition::kOutside;
}

}  // namespace

double haversine_distance_meters(const GeoPoint& a, const GeoPoint& b) {
  double lat1 = a.lat * kRadiansPerDegree;
  double lat2 = b.lat * kRadiansPerDegree;
  double dlat = (b.lat - a.lat) * kRadiansPerDegree;
  double dlon = (b.lon - a.lon) * kRadiansPerDegree;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1) * std::cos(lat2) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * kMeanEarthRadiusMeters * std::asin(std::sqrt(h));
}

bool geo_contains(const GeoBoundingBox& box, const GeoPoint& point) {
  bool lon_ok = box.top_left.lon > box.bottom_right.lon
                    ? (point.lon > box.top_left.lon || point.lon < box.bottom_right.lon)
                    : (box.top_left.lon < point.lon && point.lon < box.bottom_right.lon);
  bool lat_ok = box.bottom_right.lat < point.lat && point.lat < box.top_left.lat;
  return lon_ok && lat_ok;
}

bool geo_contains(const GeoRadius& radius, const GeoPoint& point) {
  return haversine_distance_meters(radius.center, point) < radius.radius_meters;
}

bool geo_contains(const GeoPolygon& polygon, const GeoPoint& point) {
  if (polygon.exterior.size() < 3) return false;
  if (locate(polygon.exterior, point) != RingPosition::kInside) return false;
  for (const auto& hole : polygon.interiors) {
    if (hole.size() >= 3 && locate(hole, point) != RingPosition::kOutside) return false;
  }
  return true;
}

std::optional<GeoPoint> geo_point_from_json(const boost::json::value& value) {
  const boost::json::object* object = value.if_object();
  if (object == nullptr) return std::nullopt;
  const boost::json::value* lon = object->if_contains("lon");
  const boost::json::value* lat = object->if_contains("lat");
  if (lon == nullptr || lat == nullptr || !lon->is_number() || !lat->is_number()) {
    return std::nullopt;
  }
  return GeoPoint{lon->to_number<double>(), lat->to_number<double>()};
}

}  // namespace sextant::index::filter
