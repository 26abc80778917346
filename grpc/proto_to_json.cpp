// Contract messages -> REST JSON, by reflection (rules in proto_json.hpp).
#include <google/protobuf/reflection.h>

#include <boost/json/serialize.hpp>
#include <vector>

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
      return float_as_written(repeated ? reflection.GetRepeatedFloat(message, &field, index)
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
}  // namespace

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

}  // namespace sextant::grpc_wire
