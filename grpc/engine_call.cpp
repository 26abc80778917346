// Engine replies as gRPC results: envelope decoding and Qdrant's HTTP -> gRPC code mapping.
#include "grpc/engine_call.hpp"

#include <boost/json/parse.hpp>

namespace sextant::grpc_wire {

// The inverse of Qdrant's storage error -> HTTP status mapping, followed by its storage error
// -> gRPC code mapping (BadInput 400 -> INVALID_ARGUMENT, StandaloneMode 405 -> UNIMPLEMENTED,
// EmptyPartialSnapshot 304 -> FAILED_PRECONDITION, InsufficientStorage 507 ->
// RESOURCE_EXHAUSTED, ...).
::grpc::StatusCode status_code_for_http(int http_status) {
  switch (http_status) {
    case 304:
      return ::grpc::StatusCode::FAILED_PRECONDITION;
    case 400:
    case 413:
    case 422:
      return ::grpc::StatusCode::INVALID_ARGUMENT;
    case 401:
      return ::grpc::StatusCode::UNAUTHENTICATED;
    case 403:
      return ::grpc::StatusCode::PERMISSION_DENIED;
    case 404:
      return ::grpc::StatusCode::NOT_FOUND;
    case 405:
      return ::grpc::StatusCode::UNIMPLEMENTED;
    case 408:
      return ::grpc::StatusCode::DEADLINE_EXCEEDED;
    case 409:
      return ::grpc::StatusCode::ALREADY_EXISTS;
    case 429:
    case 507:
      return ::grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 503:
      return ::grpc::StatusCode::UNAVAILABLE;
    default:
      return http_status >= 400 && http_status < 500 ? ::grpc::StatusCode::INVALID_ARGUMENT
                                                     : ::grpc::StatusCode::INTERNAL;
  }
}

DecodedReply decode_reply(const EngineReply& reply) {
  DecodedReply decoded;
  boost::system::error_code ec;
  boost::json::value envelope = boost::json::parse(reply.body, ec);
  const boost::json::object* object =
      (!ec && envelope.is_object()) ? &envelope.get_object() : nullptr;
  if (object)
    if (const auto* time = object->if_contains("time"); time && time->is_number())
      decoded.time_seconds = time->to_number<double>();
  if (reply.http_status >= 200 && reply.http_status < 300 && object) {
    if (const auto* result = object->if_contains("result")) decoded.result = *result;
    decoded.status = ::grpc::Status::OK;
    return decoded;
  }
  std::string message = reply.body;
  if (object)
    if (const auto* status = object->if_contains("status"); status && status->is_object())
      if (const auto* error = status->get_object().if_contains("error");
          error && error->is_string())
        message = std::string(error->get_string());
  if (reply.http_status >= 200 && reply.http_status < 300)
    return {::grpc::Status(::grpc::StatusCode::INTERNAL, "malformed engine reply"), {}, 0};
  decoded.status = ::grpc::Status(status_code_for_http(reply.http_status), message);
  return decoded;
}

}  // namespace sextant::grpc_wire
