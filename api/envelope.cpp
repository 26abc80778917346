#include "api/envelope.hpp"

#include "api/write/json_text.hpp"

namespace sextant::api {
namespace {

double seconds_since(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

Response ok_response(const boost::json::value& result, Clock::time_point started, int status) {
  boost::json::object envelope;
  envelope["result"] = result;
  envelope["status"] = "ok";
  envelope["time"] = seconds_since(started);
  Response response;
  response.status = status;
  response.body = to_json_text(envelope);
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
