// Handlers of the service routes.
#include "server/service_routes.hpp"

#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/issue_board.hpp"
#include "server/metrics_text.hpp"
#include "server/process_figures.hpp"
#include "server/telemetry.hpp"

namespace sextant::server {
namespace {

using api::Execution;
using api::HttpMethod;
using api::Request;
using api::Response;

constexpr std::string_view kPlainText = "text/plain; charset=utf-8";

Response text_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = std::string(kPlainText);
  response.body = std::move(body);
  return response;
}

bool has_global_access(const Request& request) {
  return !request.jwt_access_json || request.jwt_access_json->empty() ||
         request.jwt_access_json->front() != '[';
}

// The collections a JWT scoped to collections names (its `access` list).
std::vector<std::string> token_collections(const Request& request) {
  std::vector<std::string> names;
  if (!request.jwt_access_json) return names;
  boost::system::error_code ec;
  auto access = boost::json::parse(*request.jwt_access_json, ec);
  if (ec || !access.is_array()) return names;
  for (const auto& entry : access.get_array()) {
    const auto* object = entry.if_object();
    const auto* collection = object ? object->if_contains("collection") : nullptr;
    if (collection && collection->is_string()) names.emplace_back(collection->get_string());
  }
  return names;
}

Response global_access_required(api::Clock::time_point started) {
  return api::error_response(403, "Forbidden: Global access is required", started);
}

// A non-negative integer query parameter: 0 if absent, -1 if malformed.
long long integer_param(const Request& request, std::string_view name) {
  auto value = request.query_param(name);
  if (!value) return 0;
  long long parsed = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return -1;
    parsed = parsed * 10 + (c - '0');
    if (parsed > 1'000'000) return 1'000'000;
  }
  return value->empty() ? -1 : parsed;
}

Response root(const Request&) {
  boost::json::object info;
  info["title"] = "qdrant - vector search engine";
  info["version"] = SEXTANT_QDRANT_VERSION;
#ifdef SEXTANT_GIT_COMMIT
  info["commit"] = SEXTANT_GIT_COMMIT;
#endif
  Response response;
  response.body = boost::json::serialize(info);
  response.headers.emplace_back(std::string(kSextantVersionHeader), SEXTANT_VERSION);
  return response;
}

Response metrics(const ServiceContext& context, const Request& request) {
  auto started = api::Clock::now();
  if (!has_global_access(request)) return global_access_required(started);
  for (std::string_view flag : {"per_collection", "anonymize"}) {
    auto value = request.query_param(flag);
    if (value && *value != "true" && *value != "false") {
      return api::error_response(
          400, "Deserialize error in query parameters: provided string was not `true` or `false`",
          started);
    }
  }
  api::ServiceStats stats = context.api->stats();
  MetricsInput input;
  input.app_version = SEXTANT_QDRANT_VERSION;
  input.collections_total = stats.collections_total;
  input.vectors_total = stats.vectors_total;
  input.collections = std::move(stats.collections);
  input.rest_responses = context.metrics->snapshot();
  if (context.grpc_metrics) input.grpc_responses = context.grpc_metrics->snapshot();
  if (request.query_param("per_collection") == std::optional<std::string_view>("true")) {
    input.per_collection_responses = context.metrics->per_collection_snapshot();
  }
  input.memory = memory_figures();
  input.process = process_figures();
  input.prefix = context.config->service.metrics_prefix;
  return text_response(200, render_metrics(input));
}

Response telemetry(const ServiceContext& context, const Request& request) {
  auto started = api::Clock::now();
  long long details_level = integer_param(request, "details_level");
  if (details_level < 0) {
    return api::error_response(
        400, "Deserialize error in query parameters: invalid digit found in string", started);
  }
  TelemetryOptions options;
  options.details_level = static_cast<int>(details_level);
  options.global_access = has_global_access(request);
  return api::ok_response(build_telemetry(context, options), started);
}

}  // namespace

void register_service_routes(const ServiceContext& context, api::Router& router) {
  register_cluster_routes(*context.config, context.quotas, router);
  auto add = [&router](HttpMethod method, std::string pattern, api::Handler handler,
                       Execution execution, bool is_write = false, bool is_health = false) {
    api::Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.handler = std::move(handler);
    route.execution = execution;
    route.is_write = is_write;
    route.is_health = is_health;
    router.add(std::move(route));
  };
  add(HttpMethod::kGet, "/", root, Execution::kInline, false, true);
  for (const char* path : {"/healthz", "/livez"}) {
    add(
        HttpMethod::kGet, path, [](Request&) { return text_response(200, "healthz check passed"); },
        Execution::kInline, false, true);
  }
  add(
      HttpMethod::kGet, "/readyz",
      [](Request&) { return text_response(200, "all shards are ready"); }, Execution::kInline,
      false, true);
  add(
      HttpMethod::kGet, "/metrics",
      [context](Request& request) { return metrics(context, request); }, Execution::kWorker);
  add(
      HttpMethod::kGet, "/telemetry",
      [context](Request& request) { return telemetry(context, request); }, Execution::kWorker);
  add(
      HttpMethod::kGet, "/cluster",
      [](Request& request) {
        auto started = api::Clock::now();
        if (!has_global_access(request)) return global_access_required(started);
        return api::ok_response(boost::json::object{{"status", "disabled"}}, started);
      },
      Execution::kInline);
  add(
      HttpMethod::kGet, "/issues",
      [context](Request& request) {
        auto started = api::Clock::now();
        api::IssueBoard& board = context.api->issues();
        boost::json::array issues = has_global_access(request)
                                        ? board.issues()
                                        : board.issues_of(token_collections(request));
        return api::ok_response(boost::json::object{{"issues", std::move(issues)}}, started);
      },
      Execution::kInline);
  add(
      HttpMethod::kDelete, "/issues",
      [context](Request& request) {
        auto started = api::Clock::now();
        if (!has_global_access(request)) return global_access_required(started);
        context.api->issues().clear();
        return api::ok_response(true, started);
      },
      Execution::kInline, /*is_write=*/true);
  add(
      HttpMethod::kGet, "/openapi.json",
      [](Request&) {
        Response response;
        response.body = std::string(openapi_document());
        return response;
      },
      Execution::kInline);
}

}  // namespace sextant::server
