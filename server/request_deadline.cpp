// Which routes take `timeout`, how it is parsed, and the answers a deadline produces.
#include "server/request_deadline.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <string_view>

#include "api/envelope.hpp"

namespace sextant::server {
namespace {

struct TimedRoute {
  std::string_view suffix;     // after "/collections/{collection_name}"
  std::string_view operation;  // empty: an update route
};

// Qdrant's operation names, as its local shard reports them when a read times out.
constexpr TimedRoute kTimedRoutes[] = {
    {"/points/query", "Search"},
    {"/points/query/batch", "Search"},
    {"/points/query/groups", "GroupBy"},
    {"/points/search", "Search"},
    {"/points/search/batch", "Search"},
    {"/points/search/groups", "GroupBy"},
    {"/points/search/matrix/pairs", "Search"},
    {"/points/search/matrix/offsets", "Search"},
    {"/points/recommend", "Search"},
    {"/points/recommend/batch", "Search"},
    {"/points/recommend/groups", "GroupBy"},
    {"/points/discover", "Search"},
    {"/points/discover/batch", "Search"},
    {"/points/scroll", "scroll_by_id"},
    {"/points/count", "count"},
    {"/facet", "facet"},
    {"/points", ""},  // PUT upsert; POST is retrieve (see below)
    {"/points/delete", ""},
    {"/points/vectors", ""},
    {"/points/vectors/delete", ""},
    {"/points/payload", ""},
    {"/points/payload/delete", ""},
    {"/points/payload/clear", ""},
    {"/points/batch", ""},
};

constexpr std::string_view kCollectionPrefix = "/collections/{collection_name}";

const TimedRoute* timed_route(std::string_view pattern) {
  if (pattern.rfind(kCollectionPrefix, 0) != 0) return nullptr;
  std::string_view suffix = pattern.substr(kCollectionPrefix.size());
  for (const auto& route : kTimedRoutes) {
    if (route.suffix == suffix) return &route;
  }
  return nullptr;
}

}  // namespace

bool is_point_read_route(const std::string& route_pattern, api::HttpMethod method) {
  if (route_pattern == "/collections/{collection_name}/points/{id}")
    return method == api::HttpMethod::kGet;
  const TimedRoute* route = timed_route(route_pattern);
  if (!route) return false;
  if (route->suffix == "/points") return method == api::HttpMethod::kPost;
  return !route->operation.empty();
}

std::variant<std::optional<RequestDeadline>, api::Response> request_deadline(
    const std::string& route_pattern, api::HttpMethod method,
    const std::map<std::string, std::string>& query,
    std::chrono::steady_clock::time_point started) {
  const TimedRoute* route = timed_route(route_pattern);
  auto it = query.find("timeout");
  if (!route || it == query.end()) return std::optional<RequestDeadline>();
  const std::string& text = it->second;
  uint64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return api::error_response(
        400, "Deserialize error in query parameters: invalid digit found in string", started);
  }
  bool retrieve = route->suffix == "/points" && method == api::HttpMethod::kPost;
  bool is_update = route->operation.empty() && !retrieve;
  if (is_update) {
    // Qdrant's UpdateParams: any whole number of seconds, 0 included, and it bounds only the
    // wait; without wait=true there is nothing to bound.
    auto wait = query.find("wait");
    if (wait == query.end() || (wait->second != "true" && !wait->second.empty()))
      return std::optional<RequestDeadline>();
  } else if (seconds == 0) {
    return api::error_response(
        400,
        "Deserialize error in query parameters: invalid value: integer `0`, expected a nonzero u64",
        started);
  }
  RequestDeadline deadline;
  // Far-future deadlines are no deadline; this also keeps the time arithmetic in range.
  constexpr uint64_t kMaxSeconds = 100ull * 365 * 24 * 3600;
  if (seconds > kMaxSeconds) return std::optional<RequestDeadline>();
  deadline.at = started + std::chrono::seconds(seconds);
  deadline.timeout_sec = seconds;
  deadline.is_update = is_update;
  deadline.operation = retrieve ? "retrieve" : std::string(route->operation);
  return std::optional<RequestDeadline>(std::move(deadline));
}

api::Response timeout_response(const RequestDeadline& deadline,
                               std::chrono::steady_clock::time_point started) {
  if (deadline.is_update) {
    boost::json::object result{{"operation_id", nullptr}, {"status", "wait_timeout"}};
    return api::ok_response(boost::json::value(std::move(result)), started);
  }
  return api::error_response(408,
                             "Timeout: Timeout error: Operation '" + deadline.operation +
                                 "' timed out after " + std::to_string(deadline.timeout_sec) + "s",
                             started);
}

}  // namespace sextant::server
