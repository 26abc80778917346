// Running an RPC's REST twin and filling the protobuf response from its result.
//
// call_route() runs the EngineCall with the call's metadata and decodes the envelope;
// fill_response() converts the route's result into the response message by the rules of
// proto_json.hpp, placed under `result_field` ("" when the result is the message itself), and
// copies the envelope's `time` into the response's `time` field when it has one.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "grpc/engine_call.hpp"
#include "grpc/unary_call.hpp"

namespace sextant::grpc_wire {

inline DecodedReply call_route(const ServiceContext& context, const CallMetadata& metadata,
                               const EngineCall& call) {
  return decode_reply(context.call_engine(call, metadata));
}

::grpc::Status fill_response(const DecodedReply& reply, google::protobuf::Message* response,
                             std::string_view result_field);

// The route's body: the request message as REST JSON, without the fields that go in the path
// or the query string.
std::string request_body(const google::protobuf::Message& request,
                         std::initializer_list<std::string_view> path_and_query_fields);

// "timeout" (and any other optional integer) as a query parameter, when set.
void add_query(EngineCall& call, const char* name, std::optional<uint64_t> value);

}  // namespace sextant::grpc_wire
