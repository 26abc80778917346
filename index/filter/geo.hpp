// Geo predicates with Qdrant's conventions: bounding boxes are open (strict) and may cross the
// antimeridian (top_left.lon > bottom_right.lon); radius uses the haversine distance on a sphere
// of the mean Earth radius and is strict (distance < radius); polygons contain a point when it is
// strictly inside the exterior ring and not inside or on any hole (points on the exterior
// boundary are outside).
#pragma once

#include <boost/json/value.hpp>
#include <optional>

#include "index/filter/filter.hpp"

namespace sextant::index::filter {

inline constexpr double kMeanEarthRadiusMeters = 6371008.8;

double haversine_distance_meters(const GeoPoint& a, const GeoPoint& b);
bool geo_contains(const GeoBoundingBox& box, const GeoPoint& point);
bool geo_contains(const GeoRadius& radius, const GeoPoint& point);
bool geo_contains(const GeoPolygon& polygon, const GeoPoint& point);

// A payload object `{"lon": x, "lat": y}` (numbers; other keys ignored); nullopt otherwise.
std::optional<GeoPoint> geo_point_from_json(const boost::json::value& value);

}  // namespace sextant::index::filter
