// See standalone_call.hpp.
#include "server/cluster/standalone_call.hpp"

#include <boost/json.hpp>

namespace sextant::server {

api::Request local_request(api::HttpMethod method, const std::string& collection,
                           std::string_view body) {
  api::Request request;
  request.method = method;
  request.path = "/collections/" + collection;
  request.path_params = {collection};
  request.body = body;
  return request;
}

Error error_of(const api::Response& response) {
  std::string message = response.body;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(response.body, ec);
  if (!ec && parsed.is_object()) {
    if (auto* status = parsed.get_object().if_contains("status"); status && status->is_object())
      if (auto* text = status->get_object().if_contains("error"); text && text->is_string())
        message = std::string(text->get_string());
  }
  switch (response.status) {
    case 400:
      return Error{ErrorKind::kBadInput, message};
    case 404:
      return Error{ErrorKind::kNotFound, message};
    case 409:
      return Error{ErrorKind::kAlreadyExists, message};
    case 422:
      return Error{ErrorKind::kValidation, message};
    default:
      return Error{ErrorKind::kInternal, message};
  }
}

}  // namespace sextant::server
