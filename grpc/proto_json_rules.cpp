// Where the REST and gRPC spellings of the same data differ.
#include "grpc/proto_json_rules.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "grpc/proto_json.hpp"

namespace sextant::grpc_wire {

namespace proto_json_rules {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

std::string rest_field_name(const FieldDescriptor& field) {
  if (field.name() == "vectors_config") return "vectors";
  if (field.name() == "sparse_vectors_config") return "sparse_vectors";
  return field.name();
}

const FieldDescriptor* sole_map_field(const Descriptor& type) {
  if (type.field_count() == 1 && type.field(0)->is_map() && type.full_name() != "qdrant.Struct")
    return type.field(0);
  return nullptr;
}

bool is_untagged_union(const Descriptor& type) {
  const std::string& name = type.full_name();
  return name == "qdrant.VectorsConfig" || name == "qdrant.VectorsConfigDiff" ||
         name == "qdrant.MaxOptimizationThreads" || name == "qdrant.ShardKey";
}

double float_as_written(float value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof(text), value);
  double written = static_cast<double>(value);
  if (ec == std::errc()) std::from_chars(text, end, written);
  return written;
}

std::string timestamp_text(const google::protobuf::Timestamp& timestamp) {
  std::time_t seconds = static_cast<std::time_t>(timestamp.seconds());
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

bool parse_timestamp(std::string_view text, google::protobuf::Timestamp* timestamp) {
  std::tm utc{};
  int fraction_start = 0;
  if (std::sscanf(std::string(text).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &fraction_start) < 6)
    return false;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  timestamp->set_seconds(timegm(&utc));
  if (static_cast<size_t>(fraction_start) < text.size() && text[fraction_start] == '.') {
    int32_t nanos = 0, digits = 0;
    for (size_t i = fraction_start + 1;
         i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 9;
         ++i, ++digits)
      nanos = nanos * 10 + (text[i] - '0');
    for (; digits < 9; ++digits) nanos *= 10;
    timestamp->set_nanos(nanos);
  }
  return true;
}

const FieldDescriptor* field_for_key(const Descriptor& type, std::string_view key) {
  if (key == "vectors")
    if (const auto* field = type.FindFieldByName("vectors_config")) return field;
  if (key == "sparse_vectors")
    if (const auto* field = type.FindFieldByName("sparse_vectors_config")) return field;
  return type.FindFieldByName(std::string(key));
}

}  // namespace proto_json_rules

std::string rest_enum_name(const google::protobuf::EnumValueDescriptor& value) {
  // Distance and ReplicaState keep their names on the REST side ("Cosine", "Active").
  const std::string& type = value.type()->full_name();
  if (type == "qdrant.Distance" || type == "qdrant.ReplicaState") return value.name();
  std::string name;
  const std::string& source = value.name();
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) name.push_back('_');
      name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      name.push_back(c);
    }
  }
  return name;
}

}  // namespace sextant::grpc_wire
