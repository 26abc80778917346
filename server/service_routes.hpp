// Routes the server answers itself, outside the collection API, with Qdrant's bodies:
//   GET /                    Qdrant's version info {title, version, commit}; Sextant's own version
//                            goes in the `x-sextant-version` header (and telemetry's app.sextant)
//   GET /healthz, /livez     "healthz check passed"        (text/plain, no api key needed)
//   GET /readyz              "all shards are ready"        (text/plain, no api key needed)
//   GET /metrics             Prometheus text (metrics_text.hpp)
//   GET /telemetry           TelemetryData envelope (telemetry.hpp)
//   GET /cluster             {"status": "disabled"}: Sextant is a single node; the other cluster
//                            routes and /quotas are in cluster_routes.hpp
//   GET /issues, DELETE /issues   the issues report (issue_board.hpp) / clears it
//   GET /openapi.json        the OpenAPI document of the surface Sextant serves
// Routes needing global access answer 403 "Forbidden: Global access is required" to a JWT
// scoped to collections, as Qdrant's checks do.
//
// ServiceContext is owned by the Server and outlives the Router holding these handlers.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/api.hpp"
#include "api/router.hpp"
#include "server/cluster_routes.hpp"
#include "server/config.hpp"
#include "server/request_metrics.hpp"

namespace sextant::server {

struct ServiceContext {
  const Config* config = nullptr;
  api::Api* api = nullptr;
  const RequestMetrics* metrics = nullptr;
  const RequestMetrics* grpc_metrics = nullptr;  // keyed by gRPC method name and status code
  std::string telemetry_id;                      // a random UUID per process, as Qdrant's
  std::chrono::system_clock::time_point startup;
  std::shared_ptr<QuotaState> quotas = std::make_shared<QuotaState>();
};

// The response header naming Sextant's own version (GET / keeps Qdrant's exact body).
inline constexpr std::string_view kSextantVersionHeader = "x-sextant-version";

void register_service_routes(const ServiceContext& context, api::Router& router);

// The OpenAPI document compiled into the binary (api/openapi/openapi.json).
std::string_view openapi_document();

}  // namespace sextant::server
