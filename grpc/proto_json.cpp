// Reflection walk between contract messages and REST JSON (rules in proto_json.hpp).
#include "grpc/proto_json.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/timestamp.pb.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

namespace sextant::grpc_wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string rest_field_name(const FieldDescriptor& field) {
  if (field.name() == "vectors_config") return "vectors";
  if (field.name() == "sparse_vectors_config") return "sparse_vectors";
  return field.name();
}

bool keeps_enum_names(const google::protobuf::EnumDescriptor& type) {
  return type.full_name() == "qdrant.Distance" || type.full_name() == "qdrant.ReplicaState";
}

// A message whose only field is a map is that map on the REST side.
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
    for (size_t i = fraction_start + 1; i < text.size() && std::isdigit(text[i]) && digits < 9;
         ++i, ++digits)
      nanos = nanos * 10 + (text[i] - '0');
    for (; digits < 9; ++digits) nanos *= 10;
    timestamp->set_nanos(nanos);
  }
  return true;
}

boost::json::value field_value_to_json(const Message& message, const FieldDescriptor& field,
                                       int index);

boost::json::value value_to_json(const Message& value);

boost::json::value struct_to_json(const Message& message) {
  boost::json::object object;
  const Reflection& reflection = *message.GetReflection();
  const FieldDescriptor* fields = message.GetDescriptor()->FindFieldByName("fields");
  for (int i = 0; i < reflection.FieldSize(message, fields); ++i) {
    const Message& entry = reflection.GetRepeatedMessage(message, fields, i);
    const Reflection& entry_reflection = *entry.GetReflection();
    const Descriptor& entry_type = *entry.GetDescriptor();
    object[entry_reflection.GetString(entry, entry_type.FindFieldByName("key"))] =
        value_to_json(entry_reflection.GetMessage(entry, entry_type.FindFieldByName("value")));
  }
  return object;
}

boost::json::value value_to_json(const Message& value) {
  const Reflection& reflection = *value.GetReflection();
  const Descriptor& type = *value.GetDescriptor();
  const FieldDescriptor* kind =
      reflection.GetOneofFieldDescriptor(value, type.FindOneofByName("kind"));
  if (!kind || kind->name() == "null_value") return nullptr;
  if (kind->name() == "struct_value") return struct_to_json(reflection.GetMessage(value, kind));
  if (kind->name() == "list_value") {
    const Message& list = reflection.GetMessage(value, kind);
    const FieldDescriptor* values = list.GetDescriptor()->FindFieldByName("values");
    boost::json::array array;
    for (int i = 0; i < list.GetReflection()->FieldSize(list, values); ++i)
      array.push_back(value_to_json(list.GetReflection()->GetRepeatedMessage(list, values, i)));
    return array;
  }
  return field_value_to_json(value, *kind, -1);
}

boost::json::value field_value_to_json(const Message& message, const FieldDescriptor& field,
                                       int index) {
  const Reflection& reflection = *message.GetReflection();
  bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? reflection.GetRepeatedInt32(message, &field, index)
                      : reflection.GetInt32(message, &field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? reflection.GetRepeatedInt64(message, &field, index)
                      : reflection.GetInt64(message, &field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? reflection.GetRepeatedUInt32(message, &field, index)
                      : reflection.GetUInt32(message, &field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return repeated ? reflection.GetRepeatedUInt64(message, &field, index)
                      : reflection.GetUInt64(message, &field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return repeated ? reflection.GetRepeatedDouble(message, &field, index)
                      : reflection.GetDouble(message, &field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return static_cast<double>(repeated ? reflection.GetRepeatedFloat(message, &field, index)
                                          : reflection.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return repeated ? reflection.GetRepeatedBool(message, &field, index)
                      : reflection.GetBool(message, &field);
    case FieldDescriptor::CPPTYPE_STRING:
      return boost::json::string(repeated ? reflection.GetRepeatedString(message, &field, index)
                                          : reflection.GetString(message, &field));
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumValueDescriptor* value = repeated
                                             ? reflection.GetRepeatedEnum(message, &field, index)
                                             : reflection.GetEnum(message, &field);
      return boost::json::string(rest_enum_name(*value));
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return message_to_json(repeated ? reflection.GetRepeatedMessage(message, &field, index)
                                      : reflection.GetMessage(message, &field));
  }
  return nullptr;
}

boost::json::value map_to_json(const Message& message, const FieldDescriptor& field) {
  const Reflection& reflection = *message.GetReflection();
  boost::json::object object;
  for (int i = 0; i < reflection.FieldSize(message, &field); ++i) {
    const Message& entry = reflection.GetRepeatedMessage(message, &field, i);
    const Descriptor& entry_type = *entry.GetDescriptor();
    boost::json::value key = field_value_to_json(entry, *entry_type.FindFieldByName("key"), -1);
    std::string key_text =
        key.is_string() ? std::string(key.get_string()) : boost::json::serialize(key);
    object[key_text] = field_value_to_json(entry, *entry_type.FindFieldByName("value"), -1);
  }
  return object;
}

// ---- JSON -> message ----

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

const FieldDescriptor* field_for_key(const Descriptor& type, std::string_view key) {
  if (key == "vectors")
    if (const auto* field = type.FindFieldByName("vectors_config")) return field;
  if (key == "sparse_vectors")
    if (const auto* field = type.FindFieldByName("sparse_vectors_config")) return field;
  return type.FindFieldByName(std::string(key));
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
  auto number_ok = [&json] { return json.is_number(); };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      if (!json.is_int64() && !json.is_uint64()) {
        if (json.is_double() && std::floor(json.get_double()) == json.get_double()) {
        } else {
          return fail(error, field, "an integer");
        }
      }
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
      if (!number_ok()) return fail(error, field, "a number");
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

std::string rest_enum_name(const EnumValueDescriptor& value) {
  if (keeps_enum_names(*value.type())) return value.name();
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

boost::json::value message_to_json(const Message& message) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& reflection = *message.GetReflection();
  const std::string& name = type.full_name();
  if (name == "qdrant.Value") return value_to_json(message);
  if (name == "qdrant.Struct") return struct_to_json(message);
  if (name == "google.protobuf.Timestamp")
    return boost::json::string(
        timestamp_text(static_cast<const google::protobuf::Timestamp&>(message)));
  if (const FieldDescriptor* map = sole_map_field(type)) return map_to_json(message, *map);
  if (name == "qdrant.QuantizationConfigDiff")
    if (const auto* disabled = type.FindFieldByName("disabled");
        reflection.HasField(message, disabled))
      return "Disabled";
  if (is_untagged_union(type)) {
    const FieldDescriptor* chosen = reflection.GetOneofFieldDescriptor(message, type.oneof_decl(0));
    if (!chosen) return nullptr;
    if (chosen->name() == "setting") return "auto";
    return field_value_to_json(message, *chosen, -1);
  }
  boost::json::object object;
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  // Fields without presence count even at their default (an enum's first value, a zero shard
  // id): REST has no notion of "unset" for them.
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->is_repeated() || field->has_presence() ||
        field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ||
        reflection.HasField(message, field))
      continue;
    fields.push_back(field);
  }
  for (const FieldDescriptor* field : fields) {
    std::string key = rest_field_name(*field);
    if (field->is_map()) {
      object[key] = map_to_json(message, *field);
    } else if (field->is_repeated()) {
      boost::json::array array;
      for (int i = 0; i < reflection.FieldSize(message, field); ++i)
        array.push_back(field_value_to_json(message, *field, i));
      object[key] = std::move(array);
    } else {
      object[key] = field_value_to_json(message, *field, -1);
    }
  }
  return object;
}

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
