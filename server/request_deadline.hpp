// The `timeout` query parameter of Qdrant's point routes (ReadParams.timeout and the update
// routes' timeout, in seconds, at least 1): the time after which the server stops waiting for
// the handler and answers as Qdrant answers a timed-out operation.
//
//   read routes (query, search, recommend, discover, groups, scroll, count, facet, matrix,
//   retrieve)      408 "Timeout: Timeout error: Operation '<op>' timed out after <n>s"
//   update routes  with wait=true only (0 allowed, as Qdrant's UpdateParams): 200 with
//                  result {"operation_id": null, "status": "wait_timeout"}: the update was
//                  taken and goes on; only the wait for it ended (UpdateStatus::WaitTimeout)
//
// A read request still queued for a worker when its deadline passes is answered without
// running; an update is always run once accepted. A running handler is not interrupted: its
// answer is dropped, and the connection closes after the timeout answer (the handler still
// holds the request's buffers).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "api/http_types.hpp"

namespace sextant::server {

struct RequestDeadline {
  std::chrono::steady_clock::time_point at;
  uint64_t timeout_sec = 0;
  bool is_update = false;
  std::string operation;  // Qdrant's name for the operation in its timeout text
};

// Whether a route is one of Qdrant's point reads, which take ReadParams (`timeout`,
// `consistency`): query, search, recommend, discover, their batch and group forms, matrix,
// scroll, count, facet, retrieve (POST /points) and GET /points/{id}.
bool is_point_read_route(const std::string& route_pattern, api::HttpMethod method);

// For a route taking `timeout`: the deadline it asks for (nullopt when absent), or the 400 a
// malformed value gets. Routes without the parameter always yield nullopt.
std::variant<std::optional<RequestDeadline>, api::Response> request_deadline(
    const std::string& route_pattern, api::HttpMethod method,
    const std::map<std::string, std::string>& query, std::chrono::steady_clock::time_point started);

// The answer given when `deadline` passed before the handler answered.
api::Response timeout_response(const RequestDeadline& deadline,
                               std::chrono::steady_clock::time_point started);

}  // namespace sextant::server
