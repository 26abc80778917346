// The rules by which the two wires differ (proto_json.hpp), shared by both directions of the
// reflection walk: field and enum spellings, which messages are maps or untagged unions on the
// REST side, and timestamps as ISO-8601 text.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

namespace sextant::grpc_wire::proto_json_rules {

// "vectors_config" -> "vectors", "sparse_vectors_config" -> "sparse_vectors", else the name.
std::string rest_field_name(const google::protobuf::FieldDescriptor& field);
// The field a REST key names in `type` (the inverse of rest_field_name), or nullptr.
const google::protobuf::FieldDescriptor* field_for_key(const google::protobuf::Descriptor& type,
                                                       std::string_view key);
// A message whose only field is a map is that map on the REST side (qdrant.Struct excepted).
const google::protobuf::FieldDescriptor* sole_map_field(const google::protobuf::Descriptor& type);
// VectorsConfig(Diff), MaxOptimizationThreads, ShardKey: REST gives the chosen member alone.
bool is_untagged_union(const google::protobuf::Descriptor& type);

// A float as the double its shortest decimal text names (0.99f -> 0.99, not
// 0.9900000095367432), as Qdrant writes its f32 values: equal settings compare equal, and
// vectors written as JSON take no more digits than the float holds.
double float_as_written(float value);

std::string timestamp_text(const google::protobuf::Timestamp& timestamp);
bool parse_timestamp(std::string_view text, google::protobuf::Timestamp* timestamp);

}  // namespace sextant::grpc_wire::proto_json_rules
