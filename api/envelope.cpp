#include "api/envelope.hpp"

#include "api/write/json_text.hpp"

namespace sextant::api {
namespace {

// Room for a search answer of a few dozen points without a reallocation.
constexpr size_t kOkResponseReserveBytes = 4096;

double seconds_since(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

// The envelope {"result":...,"status":"ok","time":...} is written around the result in place,
// into a buffer sized for a typical answer, rather than copying the result into an envelope
// object first.
Response ok_response(const boost::json::value& result, Clock::time_point started, int status) {
  Response response;
  response.status = status;
  std::string& out = response.body;
  out.reserve(kOkResponseReserveBytes);
  out.append("{\"result\":");
  append_json_text(result, out);
  out.append(",\"status\":\"ok\",\"time\":");
  append_json_double(seconds_since(started), out);
  out.push_back('}');
  return response;
}

Response error_response(int status, std::string_view message, Clock::time_point started) {
  boost::json::object envelope;
  envelope["status"] = boost::json::object{{"error", message}};
  envelope["time"] = seconds_since(started);
  Response response;
  response.status = status;
  response.body = to_json_text(envelope);
  return response;
}

Response error_response(int status, std::string_view message) {
  return error_response(status, message, Clock::now());
}

}  // namespace sextant::api
