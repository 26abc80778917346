// Payload values, point ids and shard keys between protobuf and REST JSON.
//
// json_with_int.proto's Value keeps integers and doubles apart; JSON numbers map back the same
// way (an integral JSON number is an integer_value, any other a double_value), so a payload read
// over gRPC has the kinds it was written with.
//
// Invariants: the *_to_json functions throw InvalidProto for an empty oneof; the *_from_json
// functions accept what the REST routes answer and never throw.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "collections.pb.h"
#include "google/protobuf/map.h"
#include "json_with_int.pb.h"
#include "qdrant_common.pb.h"

namespace sextant::grpc_wire::points {

using PayloadMap = google::protobuf::Map<std::string, qdrant::Value>;

boost::json::value value_to_json(const qdrant::Value& value);
boost::json::object payload_to_json(const PayloadMap& payload);
void value_from_json(const boost::json::value& json, qdrant::Value* value);
void payload_from_json(const boost::json::value& json, PayloadMap* payload);

// {"num"} -> 42, {"uuid"} -> "…"
boost::json::value point_id_to_json(const qdrant::PointId& id);
void point_id_from_json(const boost::json::value& json, qdrant::PointId* id);

boost::json::value shard_key_to_json(const qdrant::ShardKey& key);
void shard_key_from_json(const boost::json::value& json, qdrant::ShardKey* key);

}  // namespace sextant::grpc_wire::points
