// The `consistency` query parameter of point reads (Qdrant's ReadParams.consistency): a
// positive number of replicas, or `all`, `majority`, `quorum`. A single node answers every
// read from its one replica, so a valid value changes nothing; an invalid one is refused as
// Qdrant refuses it, before the handler runs:
//   400 "Deserialize error in query parameters: failed to deserialize read consistency query
//        parameter value '<value>'"
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace sextant::server {

bool is_valid_read_consistency(std::string_view value);

// The 400 for a malformed `consistency` on a point read; nullopt when absent, valid, or the
// route takes no read parameters.
std::optional<api::Response> refuse_bad_read_consistency(
    const std::string& route_pattern, api::HttpMethod method,
    const std::map<std::string, std::string>& query, std::chrono::steady_clock::time_point started);

}  // namespace sextant::server
