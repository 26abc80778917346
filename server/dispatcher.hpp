// The request pipeline between the transport (session.cpp) and the handlers, with no sockets
// in sight, in the order Qdrant's actix middleware stack applies it:
//
//   telemetry (timing, per endpoint pattern) -> CORS (preflight answered here) ->
//   path normalization -> auth (api key / JWT, exempt health routes) -> routing (404) ->
//   read-only check on write routes (403) -> body size limit -> handler
//
// A session calls prepare() once the request head has arrived (so oversize bodies, unknown
// routes and bad keys are answered without reading the body; for a route that streams its
// body, prepare() also makes the receiver, Request::received_body), then execute() with the
// body, on an I/O thread for Execution::kInline routes or on the worker pool otherwise, and
// finish() on every response before writing it.
//
// Thread-safety: Dispatcher is immutable after construction except for RequestMetrics, which
// is internally synchronized; all methods may run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/router.hpp"
#include "server/auth.hpp"
#include "server/request_deadline.hpp"
#include "server/request_metrics.hpp"

namespace sextant::server {

struct RequestHead {
  std::string method;                          // as sent: "GET", "POST"...
  std::string target;                          // "/collections/a?wait=true"
  std::map<std::string, std::string> headers;  // lower-case names
};

struct PreparedRequest {
  std::chrono::steady_clock::time_point started;
  std::string method_text;
  std::string metric_pattern;         // matched route pattern, or "unknown"
  std::optional<std::string> origin;  // Origin header, for CORS response headers

  // Set when the response is already decided (preflight, 401/403/404, bad query).
  std::optional<api::Response> early_response;
  // Otherwise: the route to run and the request to give it (body filled in by execute()).
  const api::Route* route = nullptr;
  api::Request request;
  uint64_t body_limit_bytes = 0;
  // The request's `timeout` query parameter, on the routes that take one.
  std::optional<RequestDeadline> deadline;
};

struct DispatcherOptions {
  bool enable_cors = true;
  uint64_t max_request_size_bytes = 32ull << 20;
};

api::HttpMethod parse_http_method(std::string_view method);

class Dispatcher {
 public:
  Dispatcher(const api::Router& router, const Authenticator& authenticator, RequestMetrics& metrics,
             DispatcherOptions options);

  PreparedRequest prepare(RequestHead head) const;

  // The answer to a body over the limit. `declared_length` is the Content-Length when known.
  api::Response oversized_body(const PreparedRequest& prepared,
                               std::optional<uint64_t> declared_length) const;

  // Runs the handler. Never throws: an exception becomes a 500 error envelope.
  api::Response execute(PreparedRequest& prepared, std::string_view body) const;
  // For a route with an async_handler: starts it on this thread and returns; `reply` gets the
  // answer once (an early or error answer before this returns). Never throws.
  void execute_async(PreparedRequest& prepared, std::string_view body, api::Reply reply) const;

  // Adds CORS headers and records the response in the metrics. Call once per response.
  void finish(const PreparedRequest& prepared, api::Response& response) const;

 private:
  std::optional<api::Response> cors_preflight(const RequestHead& head) const;

  const api::Router& router_;
  const Authenticator& authenticator_;
  RequestMetrics& metrics_;
  DispatcherOptions options_;
};

}  // namespace sextant::server
