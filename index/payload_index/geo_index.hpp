// Geo index: the {"lon", "lat"} points of each point, answering geo_bounding_box, geo_radius and
// geo_polygon exactly by testing every indexed location (no spatial hashing yet).
#pragma once

#include <memory>

#include "index/payload_index/field_index.hpp"

namespace sextant::index::payload_index {

std::unique_ptr<FieldIndex> make_geo_index();

}  // namespace sextant::index::payload_index
