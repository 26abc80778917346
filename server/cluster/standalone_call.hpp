// Calling a standalone (one-node) handler from cluster mode: the request a node builds to apply
// a change to its own collection, and the handler's error answer turned back into an Error (kind
// from the HTTP status, message from the body) so it can be kept and answered elsewhere.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "common/status.hpp"

namespace sextant::server {

api::Request local_request(api::HttpMethod method, const std::string& collection,
                           std::string_view body);
Error error_of(const api::Response& response);

}  // namespace sextant::server
