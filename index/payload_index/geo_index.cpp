// Geo index (see geo_index.hpp).
#include "index/payload_index/geo_index.hpp"

#include <map>

#include "index/filter/geo.hpp"

namespace sextant::index::payload_index {
namespace {

using filter::FieldCondition;
using filter::GeoPoint;

class GeoIndex final : public FieldIndex {
 public:
  void add(uint32_t offset, const std::vector<const boost::json::value*>& values) override {
    remove(offset);
    std::vector<GeoPoint> points;
    for (const boost::json::value* value : values) {
      if (auto point = filter::geo_point_from_json(*value)) points.push_back(*point);
    }
    if (!points.empty()) locations_[offset] = std::move(points);
  }

  void remove(uint32_t offset) override { locations_.erase(offset); }

  uint64_t points_count() const override { return locations_.size(); }

  std::optional<Candidates> candidates(const FieldCondition& c) const override {
    bool geo_only = !c.match && !c.range && !c.values_count && !c.is_empty && !c.is_null;
    int shapes = (c.geo_bounding_box ? 1 : 0) + (c.geo_radius ? 1 : 0) + (c.geo_polygon ? 1 : 0);
    if (!geo_only || shapes != 1) return std::nullopt;
    Candidates result;
    for (const auto& [offset, points] : locations_) {
      for (const GeoPoint& point : points) {
        bool inside = c.geo_bounding_box ? filter::geo_contains(*c.geo_bounding_box, point)
                      : c.geo_radius     ? filter::geo_contains(*c.geo_radius, point)
                                         : filter::geo_contains(*c.geo_polygon, point);
        if (inside) {
          result.offsets.push_back(offset);
          break;
        }
      }
    }
    return result;
  }

  std::optional<Cardinality> estimate(const FieldCondition& c) const override {
    auto selected = candidates(c);
    if (!selected) return std::nullopt;
    return Cardinality::exact(selected->offsets.size());
  }

 private:
  std::map<uint32_t, std::vector<GeoPoint>> locations_;  // ordered: candidates come out sorted
};

}  // namespace

std::unique_ptr<FieldIndex> make_geo_index() { return std::make_unique<GeoIndex>(); }

}  // namespace sextant::index::payload_index
