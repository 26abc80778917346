// Qdrant's response envelopes.
//   success: {"result": <value>, "status": "ok", "time": <seconds>}
//   error:   {"status": {"error": "<message>"}, "time": <seconds>}
// `time` is the handler's elapsed wall time in seconds, measured from `started`.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace sextant::api {

using Clock = std::chrono::steady_clock;

Response ok_response(const boost::json::value& result, Clock::time_point started, int status = 200);
Response error_response(int status, std::string_view message, Clock::time_point started);
// An error response for places with no handler start time (e.g. the server's own 413/401).
Response error_response(int status, std::string_view message);

}  // namespace sextant::api
