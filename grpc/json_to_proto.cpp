// REST JSON -> contract messages, by reflection (rules in proto_json.hpp).
#include <google/protobuf/reflection.h>

#include <boost/json/parse.hpp>
#include <cmath>

#include "grpc/proto_json.hpp"
#include "grpc/proto_json_rules.hpp"

namespace sextant::grpc_wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using namespace proto_json_rules;

bool fail(std::string* error, const FieldDescriptor& field, const char* expected) {
  *error = "field " + field.name() + ": expected " + expected;
  return false;
}

bool set_scalar(const boost::json::value& json, Message* message, const FieldDescriptor& field,
                std::string* error);

bool json_to_value(const boost::json::value& json, Message* value);

bool json_to_struct(const boost::json::object& object, Message* message) {
  const Reflection& reflection = *message->GetReflection();
  const FieldDescriptor* fields = message->GetDescriptor()->FindFieldByName("fields");
  for (const auto& [key, item] : object) {
    Message* entry = reflection.AddMessage(message, fields);
    const Descriptor& entry_type = *entry->GetDescriptor();
    entry->GetReflection()->SetString(entry, entry_type.FindFieldByName("key"), std::string(key));
    json_to_value(
        item, entry->GetReflection()->MutableMessage(entry, entry_type.FindFieldByName("value")));
  }
  return true;
}

bool json_to_value(const boost::json::value& json, Message* value) {
  const Reflection& reflection = *value->GetReflection();
  const Descriptor& type = *value->GetDescriptor();
  auto field = [&type](const char* name) { return type.FindFieldByName(name); };
  switch (json.kind()) {
    case boost::json::kind::null:
      reflection.SetEnumValue(value, field("null_value"), 0);
      break;
    case boost::json::kind::bool_:
      reflection.SetBool(value, field("bool_value"), json.get_bool());
      break;
    case boost::json::kind::int64:
      reflection.SetInt64(value, field("integer_value"), json.get_int64());
      break;
    case boost::json::kind::uint64:
      reflection.SetInt64(value, field("integer_value"), static_cast<int64_t>(json.get_uint64()));
      break;
    case boost::json::kind::double_:
      reflection.SetDouble(value, field("double_value"), json.get_double());
      break;
    case boost::json::kind::string:
      reflection.SetString(value, field("string_value"), std::string(json.get_string()));
      break;
    case boost::json::kind::object:
      return json_to_struct(json.get_object(),
                            reflection.MutableMessage(value, field("struct_value")));
    case boost::json::kind::array: {
      Message* list = reflection.MutableMessage(value, field("list_value"));
      const FieldDescriptor* values = list->GetDescriptor()->FindFieldByName("values");
      for (const auto& item : json.get_array())
        json_to_value(item, list->GetReflection()->AddMessage(list, values));
      break;
    }
  }
  return true;
}

bool json_to_untagged(const boost::json::value& json, Message* message, std::string* error) {
  const Descriptor& type = *message->GetDescriptor();
  const Reflection& reflection = *message->GetReflection();
  const std::string& name = type.full_name();
  if (name == "qdrant.ShardKey") {
    if (json.is_string())
      reflection.SetString(message, type.FindFieldByName("keyword"),
                           std::string(json.get_string()));
    else if (json.is_int64() || json.is_uint64())
      reflection.SetUInt64(message, type.FindFieldByName("number"), json.to_number<uint64_t>());
    else
      return fail(error, *type.FindFieldByName("keyword"), "a string or an integer");
    return true;
  }
  if (name == "qdrant.MaxOptimizationThreads") {
    if (json.is_string() || json.is_null())
      reflection.SetEnumValue(message, type.FindFieldByName("setting"), 0);
    else if (json.is_int64() || json.is_uint64())
      reflection.SetUInt64(message, type.FindFieldByName("value"), json.to_number<uint64_t>());
    else
      return fail(error, *type.FindFieldByName("value"), "an integer or \"auto\"");
    return true;
  }
  // VectorsConfig(Diff): one unnamed vector's params, or a map of named ones.
  if (!json.is_object()) return fail(error, *type.FindFieldByName("params"), "an object");
  const boost::json::object& object = json.get_object();
  // Params have these members; a map has vector names (whose values are params objects).
  bool single = false;
  for (const char* member : {"size", "distance", "hnsw_config", "quantization_config", "on_disk",
                             "datatype", "multivector_config"})
    if (const auto* item = object.if_contains(member);
        item && !(item->is_object() && item->get_object().contains("size")))
      single = true;
  const FieldDescriptor* field = type.FindFieldByName(single ? "params" : "params_map");
  return json_to_message(json, reflection.MutableMessage(message, field), error);
}

bool set_scalar(const boost::json::value& json, Message* message, const FieldDescriptor& field,
                std::string* error) {
  const Reflection& reflection = *message->GetReflection();
  bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      bool whole_double = json.is_double() && std::floor(json.get_double()) == json.get_double();
      if (!json.is_int64() && !json.is_uint64() && !whole_double)
        return fail(error, field, "an integer");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
        auto v = static_cast<int32_t>(json.to_number<double>());
        repeated ? reflection.AddInt32(message, &field, v)
                 : reflection.SetInt32(message, &field, v);
      } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
        auto v =
            json.is_int64() ? json.get_int64() : static_cast<int64_t>(json.to_number<double>());
        repeated ? reflection.AddInt64(message, &field, v)
                 : reflection.SetInt64(message, &field, v);
      } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
        auto v = static_cast<uint32_t>(json.to_number<double>());
        repeated ? reflection.AddUInt32(message, &field, v)
                 : reflection.SetUInt32(message, &field, v);
      } else {
        uint64_t v = json.is_uint64()  ? json.get_uint64()
                     : json.is_int64() ? static_cast<uint64_t>(json.get_int64())
                                       : static_cast<uint64_t>(json.get_double());
        repeated ? reflection.AddUInt64(message, &field, v)
                 : reflection.SetUInt64(message, &field, v);
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      if (!json.is_number()) return fail(error, field, "a number");
      double v = json.to_number<double>();
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE)
        repeated ? reflection.AddDouble(message, &field, v)
                 : reflection.SetDouble(message, &field, v);
      else
        repeated ? reflection.AddFloat(message, &field, static_cast<float>(v))
                 : reflection.SetFloat(message, &field, static_cast<float>(v));
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (!json.is_bool()) return fail(error, field, "a boolean");
      repeated ? reflection.AddBool(message, &field, json.get_bool())
               : reflection.SetBool(message, &field, json.get_bool());
      return true;
    case FieldDescriptor::CPPTYPE_STRING:
      if (!json.is_string()) return fail(error, field, "a string");
      repeated ? reflection.AddString(message, &field, std::string(json.get_string()))
               : reflection.SetString(message, &field, std::string(json.get_string()));
      return true;
    case FieldDescriptor::CPPTYPE_ENUM: {
      if (!json.is_string()) return fail(error, field, "an enum name");
      const auto* type = field.enum_type();
      for (int i = 0; i < type->value_count(); ++i) {
        const EnumValueDescriptor* value = type->value(i);
        std::string_view text = json.get_string();
        if (rest_enum_name(*value) == text || value->name() == text) {
          repeated ? reflection.AddEnumValue(message, &field, value->number())
                   : reflection.SetEnumValue(message, &field, value->number());
          return true;
        }
      }
      return fail(error, field, "a known enum value");
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* child = repeated ? reflection.AddMessage(message, &field)
                                : reflection.MutableMessage(message, &field);
      return json_to_message(json, child, error);
    }
  }
  return true;
}

bool set_map(const boost::json::value& json, Message* message, const FieldDescriptor& field,
             std::string* error) {
  if (!json.is_object()) return fail(error, field, "an object");
  const Reflection& reflection = *message->GetReflection();
  for (const auto& [key, item] : json.get_object()) {
    if (item.is_null()) continue;
    Message* entry = reflection.AddMessage(message, &field);
    const Descriptor& entry_type = *entry->GetDescriptor();
    const FieldDescriptor& key_field = *entry_type.FindFieldByName("key");
    boost::json::value key_json = boost::json::string(key);
    if (key_field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      boost::system::error_code ec;
      key_json = boost::json::parse(key, ec);
      if (ec) return fail(error, field, "numeric keys");
    }
    if (!set_scalar(key_json, entry, key_field, error)) return false;
    if (!set_scalar(item, entry, *entry_type.FindFieldByName("value"), error)) return false;
  }
  return true;
}
}  // namespace

bool json_to_message(const boost::json::value& json, Message* message, std::string* error) {
  const Descriptor& type = *message->GetDescriptor();
  const std::string& name = type.full_name();
  if (name == "qdrant.Value") return json_to_value(json, message);
  if (name == "qdrant.Struct") {
    if (!json.is_object()) return false;
    return json_to_struct(json.get_object(), message);
  }
  if (name == "google.protobuf.Timestamp") {
    if (!json.is_string()) return true;
    parse_timestamp(json.get_string(), static_cast<google::protobuf::Timestamp*>(message));
    return true;
  }
  if (const FieldDescriptor* map = sole_map_field(type)) return set_map(json, message, *map, error);
  if (is_untagged_union(type)) return json_to_untagged(json, message, error);
  if (name == "qdrant.QuantizationConfigDiff" && json.is_string()) {
    message->GetReflection()->MutableMessage(message, type.FindFieldByName("disabled"));
    return true;
  }
  if (!json.is_object()) {
    *error = "expected an object for " + type.name();
    return false;
  }
  for (const auto& [key, item] : json.get_object()) {
    if (item.is_null()) continue;
    const FieldDescriptor* field = field_for_key(type, key);
    if (!field) continue;
    if (field->is_map()) {
      if (!set_map(item, message, *field, error)) return false;
    } else if (field->is_repeated()) {
      if (!item.is_array()) return fail(error, *field, "an array");
      for (const auto& element : item.get_array())
        if (!set_scalar(element, message, *field, error)) return false;
    } else if (!set_scalar(item, message, *field, error)) {
      return false;
    }
  }
  return true;
}

}  // namespace sextant::grpc_wire
