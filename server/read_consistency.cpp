// Validation of the `consistency` read parameter (see read_consistency.hpp).
#include "server/read_consistency.hpp"

#include <charconv>
#include <cstdint>

#include "api/envelope.hpp"
#include "server/request_deadline.hpp"

namespace sextant::server {

bool is_valid_read_consistency(std::string_view value) {
  if (value == "all" || value == "majority" || value == "quorum") return true;
  uint64_t factor = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), factor);
  return !value.empty() && ec == std::errc() && end == value.data() + value.size() && factor > 0;
}

std::optional<api::Response> refuse_bad_read_consistency(
    const std::string& route_pattern, api::HttpMethod method,
    const std::map<std::string, std::string>& query,
    std::chrono::steady_clock::time_point started) {
  auto it = query.find("consistency");
  if (it == query.end() || !is_point_read_route(route_pattern, method)) return std::nullopt;
  if (is_valid_read_consistency(it->second)) return std::nullopt;
  return api::error_response(400,
                             "Deserialize error in query parameters: failed to deserialize read "
                             "consistency query parameter value '" +
                                 it->second + "'",
                             started);
}

}  // namespace sextant::server
