// Filters: qdrant_common.proto's Filter/Condition tree as the REST filter JSON.
//
// The REST filter parser validates the result (key syntax, ranges, geo bounds), so this only
// renames: Match's oneof becomes {"value"|"text"|"any"|"except"|"phrase"|"text_any"|"prefix"},
// DatetimeRange becomes a "range" of RFC 3339 strings, GeoPoints become {"lon","lat"}.
//
// Invariants: a Condition with no variant set is skipped, as Qdrant does; every other empty
// oneof throws InvalidProto with Qdrant's text.
#pragma once

#include <boost/json/value.hpp>

#include "qdrant_common.pb.h"

namespace sextant::grpc_wire::points {

boost::json::object filter_to_json(const qdrant::Filter& filter);
boost::json::object condition_to_json(const qdrant::Condition& condition);
boost::json::object geo_point_to_json(const qdrant::GeoPoint& point);

}  // namespace sextant::grpc_wire::points
