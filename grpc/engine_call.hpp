// What a gRPC service asks of the engine, and what it gets back.
//
// Every RPC of the public services is the twin of a REST route. A service turns its protobuf
// request into that route's call (method, path, query parameters, JSON body: the same input the
// REST parser validates into the typed request), the server runs it through the same pipeline as
// an HTTP request (auth, read-only keys, JWT access, strict mode, size limits, handler), and the
// service turns the route's reply (Qdrant's envelope) back into the protobuf response. So no
// query, filter or update rule exists twice: the gRPC wire is a codec around the engine's routes.
//
// Invariants: an EngineCaller may be called from any thread and blocks until the route answered;
// `metadata` holds the call's gRPC metadata with lower-case names (api-key, authorization).
#pragma once

#include <grpcpp/support/status.h>

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <string>

#include "api/http_types.hpp"

namespace sextant::grpc_wire {

struct EngineCall {
  api::HttpMethod method = api::HttpMethod::kPost;
  std::string path;                          // "/collections/c/points/query", not encoded
  std::map<std::string, std::string> query;  // wait, ordering, consistency, timeout, ...
  std::string body;                          // the REST route's JSON body ("" for none)
};

struct EngineReply {
  int http_status = 200;
  std::string body;  // Qdrant's envelope: {"result":...} or {"status":{"error":...}}
};

using EngineCaller = std::function<EngineReply(const EngineCall&,
                                               const std::map<std::string, std::string>& metadata)>;

// A reply's `result`, or the gRPC status Qdrant answers for the route's error (its code from
// the HTTP status, its message the error text).
struct DecodedReply {
  ::grpc::Status status;      // OK when `result` holds the route's result
  boost::json::value result;  // null unless status.ok()
  double time_seconds = 0;    // the envelope's `time`
};
DecodedReply decode_reply(const EngineReply& reply);

// The gRPC status code Qdrant uses for an error answered with this HTTP status.
::grpc::StatusCode status_code_for_http(int http_status);

}  // namespace sextant::grpc_wire
