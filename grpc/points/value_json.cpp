// Payload values, point ids and shard keys: protobuf <-> REST JSON.
#include "grpc/points/value_json.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "grpc/points/invalid_proto.hpp"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

// The UUID text forms Qdrant reads: hyphenated, simple (32 hex digits), braced, or urn:uuid:.
bool is_uuid(std::string_view text) {
  if (text.size() > 9 && text.substr(0, 9) == "urn:uuid:") text.remove_prefix(9);
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}')
    text = text.substr(1, text.size() - 2);
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (text.size() == 32) return std::all_of(text.begin(), text.end(), hex);
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !hex(text[i])) return false;
  }
  return true;
}

}  // namespace

json::value value_to_json(const qdrant::Value& value) {
  switch (value.kind_case()) {
    case qdrant::Value::kNullValue:
    case qdrant::Value::KIND_NOT_SET:
      return nullptr;
    case qdrant::Value::kDoubleValue:
      return value.double_value();
    case qdrant::Value::kIntegerValue:
      return value.integer_value();
    case qdrant::Value::kStringValue:
      return json::string(value.string_value());
    case qdrant::Value::kBoolValue:
      return value.bool_value();
    case qdrant::Value::kStructValue:
      return payload_to_json(value.struct_value().fields());
    case qdrant::Value::kListValue: {
      json::array items;
      for (const auto& item : value.list_value().values()) items.push_back(value_to_json(item));
      return items;
    }
  }
  return nullptr;
}

json::object payload_to_json(const PayloadMap& payload) {
  json::object object;
  for (const auto& [key, value] : payload) object[key] = value_to_json(value);
  return object;
}

void value_from_json(const json::value& json, qdrant::Value* value) {
  switch (json.kind()) {
    case json::kind::null:
      value->set_null_value(qdrant::NULL_VALUE);
      return;
    case json::kind::bool_:
      value->set_bool_value(json.get_bool());
      return;
    case json::kind::int64:
      value->set_integer_value(json.get_int64());
      return;
    case json::kind::uint64:
      if (json.get_uint64() > static_cast<std::uint64_t>(INT64_MAX))
        value->set_double_value(static_cast<double>(json.get_uint64()));
      else
        value->set_integer_value(static_cast<std::int64_t>(json.get_uint64()));
      return;
    case json::kind::double_:
      value->set_double_value(json.get_double());
      return;
    case json::kind::string:
      value->set_string_value(std::string(json.get_string()));
      return;
    case json::kind::array: {
      auto* list = value->mutable_list_value();
      for (const auto& item : json.get_array()) value_from_json(item, list->add_values());
      return;
    }
    case json::kind::object:
      payload_from_json(json, value->mutable_struct_value()->mutable_fields());
      return;
  }
}

void payload_from_json(const json::value& json, PayloadMap* payload) {
  if (!json.is_object()) return;
  for (const auto& [key, item] : json.get_object())
    value_from_json(item, &(*payload)[std::string(key)]);
}

json::value point_id_to_json(const qdrant::PointId& id) {
  switch (id.point_id_options_case()) {
    case qdrant::PointId::kNum:
      return id.num();
    case qdrant::PointId::kUuid:
      if (!is_uuid(id.uuid())) throw InvalidProto("Unable to parse UUID: " + id.uuid());
      return json::string(id.uuid());
    case qdrant::PointId::POINT_ID_OPTIONS_NOT_SET:
      break;
  }
  throw InvalidProto("No ID options provided");
}

void point_id_from_json(const json::value& json, qdrant::PointId* id) {
  if (json.is_uint64())
    id->set_num(json.get_uint64());
  else if (json.is_int64())
    id->set_num(static_cast<std::uint64_t>(json.get_int64()));
  else if (json.is_string())
    id->set_uuid(std::string(json.get_string()));
}

json::value shard_key_to_json(const qdrant::ShardKey& key) {
  switch (key.key_case()) {
    case qdrant::ShardKey::kKeyword:
      return json::string(key.keyword());
    case qdrant::ShardKey::kNumber:
      return key.number();
    case qdrant::ShardKey::KEY_NOT_SET:
      break;
  }
  throw InvalidProto("Malformed shard key: no key set");
}

void shard_key_from_json(const json::value& json, qdrant::ShardKey* key) {
  if (json.is_string())
    key->set_keyword(std::string(json.get_string()));
  else if (json.is_uint64())
    key->set_number(json.get_uint64());
  else if (json.is_int64())
    key->set_number(static_cast<std::uint64_t>(json.get_int64()));
}

}  // namespace sextant::grpc_wire::points
