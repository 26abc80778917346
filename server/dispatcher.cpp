// Request pipeline: CORS, normalization, auth, routing, limits, handler invocation.
#include "server/dispatcher.hpp"

#include <exception>
#include <limits>

#include "api/envelope.hpp"
#include "server/collection_access.hpp"
#include "server/log.hpp"
#include "server/read_consistency.hpp"
#include "server/url.hpp"

namespace sextant::server {
namespace {

constexpr std::string_view kVaryValue =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
// actix-cors allow_any_method(): every method it knows.
constexpr std::string_view kAllowedMethods =
    "GET, POST, PUT, DELETE, HEAD, OPTIONS, CONNECT, PATCH, TRACE";

std::optional<std::string_view> find_header(const std::map<std::string, std::string>& headers,
                                            std::string_view lower_name) {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool is_method_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool is_allowed_method(std::string_view method) {
  for (std::string_view known :
       {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PATCH", "TRACE"}) {
    if (method == known) return true;
  }
  return false;
}

// Responses actix produces without a handler: plain text (or empty) bodies, no envelope.
api::Response plain_response(int status, std::string body) {
  api::Response response;
  response.status = status;
  response.content_type.clear();
  response.body = std::move(body);
  return response;
}

}  // namespace

api::HttpMethod parse_http_method(std::string_view method) {
  using api::HttpMethod;
  if (method == "GET") return HttpMethod::kGet;
  if (method == "POST") return HttpMethod::kPost;
  if (method == "PUT") return HttpMethod::kPut;
  if (method == "PATCH") return HttpMethod::kPatch;
  if (method == "DELETE") return HttpMethod::kDelete;
  if (method == "HEAD") return HttpMethod::kHead;
  if (method == "OPTIONS") return HttpMethod::kOptions;
  return HttpMethod::kOther;
}

Dispatcher::Dispatcher(const api::Router& router, const Authenticator& authenticator,
                       RequestMetrics& metrics, DispatcherOptions options)
    : router_(router), authenticator_(authenticator), metrics_(metrics), options_(options) {}

std::optional<api::Response> Dispatcher::cors_preflight(const RequestHead& head) const {
  if (!options_.enable_cors || head.method != "OPTIONS") return std::nullopt;
  auto requested_method = find_header(head.headers, "access-control-request-method");
  if (!requested_method || !is_method_token(*requested_method)) return std::nullopt;

  api::Response response = plain_response(200, "");
  if (!is_allowed_method(*requested_method)) {
    response = plain_response(400, "Requested method is not allowed");
  } else {
    if (auto origin = find_header(head.headers, "origin")) {
      response.headers.emplace_back("access-control-allow-origin", std::string(*origin));
    }
    response.headers.emplace_back("access-control-allow-methods", std::string(kAllowedMethods));
    if (auto requested = find_header(head.headers, "access-control-request-headers")) {
      response.headers.emplace_back("access-control-allow-headers", std::string(*requested));
    }
  }
  response.headers.emplace_back("vary", std::string(kVaryValue));
  return response;
}

PreparedRequest Dispatcher::prepare(RequestHead head) const {
  PreparedRequest prepared;
  prepared.started = std::chrono::steady_clock::now();
  prepared.method_text = head.method;
  prepared.metric_pattern = "unknown";
  if (auto origin = find_header(head.headers, "origin")) prepared.origin = std::string(*origin);

  if (auto preflight = cors_preflight(head)) {
    prepared.early_response = std::move(*preflight);
    return prepared;
  }

  RequestTarget target = split_target(head.target);
  std::string normalized = normalize_path(target.raw_path);
  std::string match_path = decode_path_for_matching(normalized);
  api::HttpMethod method = parse_http_method(head.method);
  api::RouteMatch match = router_.match(method, match_path);
  if (match.route) prepared.metric_pattern = match.route->pattern;

  std::optional<std::string_view> pattern;
  if (match.route) pattern = match.route->pattern;
  AuthDecision auth;
  if (authenticator_.enabled() && !Authenticator::is_exempt(pattern)) {
    auto lookup = [&head](std::string_view name) { return find_header(head.headers, name); };
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auth = authenticator_.authenticate(lookup, now);
    if (auth.outcome != AuthDecision::Outcome::kAllowed) {
      int status = auth.outcome == AuthDecision::Outcome::kUnauthorized ? 401 : 403;
      prepared.early_response = plain_response(status, auth.message);
      return prepared;
    }
  }

  if (!match.route) {
    // actix answers unknown paths and known paths with another method alike: empty 404.
    prepared.early_response = plain_response(404, "");
    return prepared;
  }
  if (match.route->is_write && auth.access == api::Access::kReadOnly) {
    prepared.early_response =
        api::error_response(403, "Forbidden: Global manage access is required", prepared.started);
    return prepared;
  }

  auto query = parse_query(target.raw_query);
  if (!query) {
    prepared.early_response = api::error_response(
        400, "Deserialize error in query parameters: invalid percent-encoding in query string",
        prepared.started);
    return prepared;
  }

  auto deadline = request_deadline(match.route->pattern, method, *query, prepared.started);
  if (auto* bad_timeout = std::get_if<api::Response>(&deadline)) {
    prepared.early_response = std::move(*bad_timeout);
    return prepared;
  }
  prepared.deadline = std::get<std::optional<RequestDeadline>>(std::move(deadline));
  if (auto refused =
          refuse_bad_read_consistency(match.route->pattern, method, *query, prepared.started)) {
    prepared.early_response = std::move(*refused);
    return prepared;
  }

  api::Request& request = prepared.request;
  request.method = method;
  request.path = decode_path_segment(match_path);
  for (auto& param : match.path_params) request.path_params.push_back(decode_path_segment(param));
  request.query = std::move(*query);
  request.headers = std::move(head.headers);
  request.access = auth.access;
  request.jwt_access_json = std::move(auth.jwt_access_json);
  request.jwt_value_exists_json = std::move(auth.jwt_value_exists_json);
  if (auth.per_collection && request.jwt_access_json) {
    if (auto denied = check_collection_access(*match.route, request.path_params,
                                              *request.jwt_access_json, prepared.started)) {
      prepared.early_response = std::move(*denied);
      return prepared;
    }
  }
  prepared.route = match.route;
  prepared.body_limit_bytes = options_.max_request_size_bytes;
  if (match.route->make_body_receiver) {
    // Streamed bodies (snapshot uploads) have no size limit, as Qdrant's multipart forms.
    prepared.body_limit_bytes = std::numeric_limits<uint64_t>::max();
    request.received_body = match.route->make_body_receiver(request);
  }
  return prepared;
}

api::Response Dispatcher::oversized_body(const PreparedRequest& prepared,
                                         std::optional<uint64_t> declared_length) const {
  // Qdrant's JSON extractor error, which its handler answers with 400 (not 413).
  std::string limit = std::to_string(prepared.body_limit_bytes);
  std::string message = declared_length
                            ? "JSON payload (" + std::to_string(*declared_length) +
                                  " bytes) is larger than allowed (limit: " + limit + " bytes)."
                            : "JSON payload has exceeded limit (" + limit + " bytes).";
  api::Response response = api::error_response(400, message);
  return response;
}

api::Response Dispatcher::execute(PreparedRequest& prepared, std::string_view body) const {
  if (prepared.early_response) return *prepared.early_response;
  prepared.request.body = body;
  // A streamed body (e.g. an uploaded snapshot's scratch file) goes away with its handler.
  struct ReleaseReceivedBody {
    api::Request& request;
    ~ReleaseReceivedBody() { request.received_body.reset(); }
  } release{prepared.request};
  try {
    if (prepared.request.jwt_value_exists_json) {
      if (auto denied = check_value_exists(router_, *prepared.request.jwt_value_exists_json,
                                           prepared.started)) {
        return *denied;
      }
    }
    return prepared.route->handler(prepared.request);
  } catch (const std::exception& e) {
    log_error("handler for " + prepared.method_text + " " + prepared.route->pattern +
              " failed: " + e.what());
    return api::error_response(500, std::string("Service internal error: ") + e.what(),
                               prepared.started);
  } catch (...) {
    log_error("handler for " + prepared.method_text + " " + prepared.route->pattern +
              " failed with a non-standard exception");
    return api::error_response(500, "Service internal error: unexpected failure", prepared.started);
  }
}

void Dispatcher::execute_async(PreparedRequest& prepared, std::string_view body,
                               api::Reply reply) const {
  if (prepared.early_response || !prepared.route->async_handler) {
    return reply(execute(prepared, body));
  }
  prepared.request.body = body;
  try {
    if (prepared.request.jwt_value_exists_json) {
      if (auto denied = check_value_exists(router_, *prepared.request.jwt_value_exists_json,
                                           prepared.started)) {
        return reply(std::move(*denied));
      }
    }
    prepared.route->async_handler(prepared.request, reply);
  } catch (const std::exception& e) {
    // The session keeps the first answer for a request, should the handler have replied too.
    log_error("handler for " + prepared.method_text + " " + prepared.route->pattern +
              " failed: " + e.what());
    reply(api::error_response(500, std::string("Service internal error: ") + e.what(),
                              prepared.started));
  }
}

void Dispatcher::finish(const PreparedRequest& prepared, api::Response& response) const {
  bool is_preflight = false;
  for (const auto& header : response.headers) {
    if (header.first == "access-control-allow-methods") is_preflight = true;
  }
  if (options_.enable_cors && !is_preflight) {
    if (prepared.origin)
      response.headers.emplace_back("access-control-allow-origin", *prepared.origin);
    response.headers.emplace_back("vary", std::string(kVaryValue));
  }
  std::optional<std::string_view> collection;
  if (prepared.metric_pattern.starts_with("/collections/{collection_name}") &&
      !prepared.request.path_params.empty()) {
    collection = prepared.request.path_params.front();
  }
  metrics_.record(prepared.method_text, prepared.metric_pattern, response.status,
                  std::chrono::steady_clock::now() - prepared.started, collection);
}

}  // namespace sextant::server
