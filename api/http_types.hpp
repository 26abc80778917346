// Transport-neutral request and response types shared by server/ (which owns sockets and
// Beast) and api/ (which owns JSON and Qdrant semantics). Nothing here knows about sockets.
//
// Invariants: Request::body and the string_views in Request point into memory owned by the
// server's session and stay valid until the handler returns. Response owns its bytes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sextant::api {

enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete, kHead, kOptions, kOther };

// What a caller's key allows. The server resolves it from the api-key / Bearer token before
// routing; handlers of write routes are never reached with kReadOnly.
enum class Access { kReadOnly, kReadWrite };

// Takes a request body piece by piece as it arrives, for routes whose bodies may not fit in
// memory (snapshot uploads; see Route::make_body_receiver). The server calls receive() for
// every piece in order, then finish() once after the last. A receiver destroyed without
// finish() (broken connection, timeout) must undo whatever it has done so far.
class BodyReceiver {
 public:
  virtual ~BodyReceiver() = default;
  // Returns false to stop the transfer early (the receiver keeps the reason for the handler).
  virtual bool receive(std::string_view piece) = 0;
  virtual void finish() = 0;
};

struct Request {
  HttpMethod method = HttpMethod::kGet;
  std::string path;                            // decoded path, no query string
  std::vector<std::string> path_params;        // values of {placeholders}, in order
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string_view body;
  // For routes with Route::make_body_receiver: the receiver the body was streamed into
  // (`body` stays empty). Handlers may also find it unset (a direct call with `body` filled).
  std::shared_ptr<BodyReceiver> received_body;
  Access access = Access::kReadWrite;
  // Set by the server when the caller authenticated with a JWT (service.jwt_rbac): the token's
  // `access` claim as JSON: "r", "m", or [{"collection": name, "access": "r"|"rw"|"prw"}].
  // With a per-collection list `access` is kReadWrite and api/ must check the route's
  // collection (and routes needing global access) against this list.
  std::optional<std::string> jwt_access_json;
  // The token's `value_exists` claim as JSON ({"collection", "matches": [{key, value}]}), if
  // any: api/ must confirm such a point exists before serving the request.
  std::optional<std::string> jwt_value_exists_json;

  std::optional<std::string_view> query_param(std::string_view name) const {
    auto it = query.find(std::string(name));
    if (it == query.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  std::optional<std::string_view> header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the server streams this file as the body (snapshot downloads) instead of `body`.
  std::optional<std::string> file_path;
};

}  // namespace sextant::api
