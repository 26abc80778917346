// Protobuf messages of the contract <-> the JSON shapes of the REST routes, by reflection.
//
// Most messages of collections.proto mirror their REST twins field by field (same snake_case
// names), so one reflective walk converts them, following the few rules where the two wires
// differ:
//   - enum values: REST spells them snake_case ("Int8" -> "int8", "MaxSim" -> "max_sim"),
//     except Distance and ReplicaState, which keep their names ("Cosine", "Active");
//   - 64-bit integers are JSON numbers (not strings, as protobuf's own JSON mapping has them);
//   - `vectors_config` / `sparse_vectors_config` are REST's `vectors` / `sparse_vectors`;
//   - a message whose one field is a map (VectorParamsMap, SparseVectorConfig, ...) is that map;
//   - untagged unions: VectorsConfig(Diff) is its params or its map, MaxOptimizationThreads a
//     number or "auto", ShardKey a string or a number, qdrant.Value/Struct/ListValue plain JSON;
//   - google.protobuf.Timestamp is an ISO-8601 text;
//   - QuantizationConfigDiff's `disabled` is REST's "Disabled".
// Rules particular to one route (OptimizerStatus, payload index params) live with that route's
// converter.
//
// Invariants: message_to_json emits the fields that are set and every field without presence
// (a plain proto3 scalar or enum, at its default too); json_to_message ignores keys it does not
// know and JSON nulls, and fails (returns false) only on a value of the wrong kind.
#pragma once

#include <google/protobuf/message.h>

#include <boost/json/value.hpp>
#include <string>

namespace sextant::grpc_wire {

boost::json::value message_to_json(const google::protobuf::Message& message);

bool json_to_message(const boost::json::value& json, google::protobuf::Message* message,
                     std::string* error);

// The REST spelling of an enum value name ("MaxSim" -> "max_sim").
std::string rest_enum_name(const google::protobuf::EnumValueDescriptor& value);

}  // namespace sextant::grpc_wire
