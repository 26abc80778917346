// The small request parts every Points RPC shares, as the REST JSON fields or query parameters
// they become: payload and vector selectors, shard key selectors, search params, lookups,
// points selectors, and the write/read options (wait, ordering, consistency, timeout).
//
// Invariants: an empty oneof or an unknown enum value throws InvalidProto with Qdrant's text.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>

#include "points.pb.h"

namespace sextant::grpc_wire::points {

using QueryParams = std::map<std::string, std::string>;

boost::json::value with_payload_to_json(const qdrant::WithPayloadSelector& selector);
boost::json::value with_vectors_to_json(const qdrant::WithVectorsSelector& selector);
boost::json::value shard_key_selector_to_json(const qdrant::ShardKeySelector& selector);
boost::json::object search_params_to_json(const qdrant::SearchParams& params);
boost::json::object lookup_location_to_json(const qdrant::LookupLocation& location);
boost::json::object with_lookup_to_json(const qdrant::WithLookup& lookup);
// {"points": [ids]} or {"filter": {...}}, merged into `body`.
void points_selector_into(const qdrant::PointsSelector& selector, boost::json::object& body);
boost::json::array point_ids_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::PointId>& ids);
boost::json::value update_mode_to_json(int mode);
boost::json::value recommend_strategy_to_json(int strategy);

// Query parameters of a write (wait, ordering, timeout) and of a read (consistency, timeout).
void write_params_into(std::optional<bool> wait, const qdrant::WriteOrdering* ordering,
                       std::optional<std::uint64_t> timeout, QueryParams& params);
void read_params_into(const qdrant::ReadConsistency* consistency,
                      std::optional<std::uint64_t> timeout, QueryParams& params);

}  // namespace sextant::grpc_wire::points
