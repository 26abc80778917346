// Route results into response messages.
#include "grpc/route_reply.hpp"

#include <google/protobuf/descriptor.h>

#include <boost/json/serialize.hpp>

#include "grpc/proto_json.hpp"

namespace sextant::grpc_wire {

::grpc::Status fill_response(const DecodedReply& reply, google::protobuf::Message* response,
                             std::string_view result_field) {
  if (!reply.status.ok()) return reply.status;
  std::string error;
  bool converted = true;
  if (result_field.empty()) {
    if (!reply.result.is_null()) converted = json_to_message(reply.result, response, &error);
  } else {
    boost::json::object wrapped;
    wrapped[result_field] = reply.result;
    converted = json_to_message(wrapped, response, &error);
  }
  if (!converted)
    return ::grpc::Status(::grpc::StatusCode::INTERNAL, "cannot convert the result: " + error);
  const auto* time = response->GetDescriptor()->FindFieldByName("time");
  if (time && time->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE)
    response->GetReflection()->SetDouble(response, time, reply.time_seconds);
  return ::grpc::Status::OK;
}

std::string request_body(const google::protobuf::Message& request,
                         std::initializer_list<std::string_view> path_and_query_fields) {
  boost::json::value json = message_to_json(request);
  if (json.is_object())
    for (std::string_view field : path_and_query_fields) json.get_object().erase(field);
  return boost::json::serialize(json);
}

void add_query(EngineCall& call, const char* name, std::optional<uint64_t> value) {
  if (value) call.query[name] = std::to_string(*value);
}

}  // namespace sextant::grpc_wire
