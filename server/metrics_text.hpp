// Rendering of /metrics in Prometheus text format with Qdrant's metric names, help texts and
// labels (src/common/metrics.rs), in Qdrant's order, so existing dashboards and alerts keep
// working:
//   app_info{name,version}, app_status_recovery_mode, collections_total,
//   collections_vector_total, per collection: collection_vectors{collection,vector},
//   collection_indexed_only_excluded_points{id,vector}, collection_running_optimizations{id},
//   collection_points{id}, snapshot_*{id}, collection_shard_transfer_*{id},
//   collection_update_queue_*{id}; collection_active_replicas_min/max,
//   collection_dead_replicas, cluster_enabled, memory_*_bytes, process_* and system_max_mmaps;
//   and for whitelisted REST endpoints (search, query, upsert, scroll...):
//   rest_responses_total{method,endpoint,status}, and for status 200 only
//   rest_responses_{avg,min,max}_duration_seconds and the rest_responses_duration_seconds
//   histogram. With per_collection (the `per_collection=true` query parameter, as Qdrant's)
//   the rest_responses_* series are given per collection instead, with a `collection` label.
//   For whitelisted gRPC methods (Points RPCs): grpc_responses_total{endpoint,status} and
//   grpc_responses_{avg,min,max}_duration_seconds and the grpc_responses_duration_seconds
//   histogram for every status (a gRPC code); none in per-collection mode.
//   A family with no samples is omitted, as Qdrant does. Sextant does not meter hardware use,
//   so Qdrant's collection_hardware_metric_* families are absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.hpp"
#include "server/process_figures.hpp"
#include "server/request_metrics.hpp"

namespace sextant::server {

struct MetricsInput {
  std::string app_name = "qdrant";
  std::string app_version;
  bool recovery_mode = false;
  uint64_t collections_total = 0;
  uint64_t vectors_total = 0;
  std::vector<api::CollectionFigures> collections;
  ResponseTable rest_responses;
  // Set for per_collection=true: replaces rest_responses in the rest_responses_* series.
  std::optional<PerCollectionResponseTable> per_collection_responses;
  // gRPC calls: full method name ("/qdrant.Points/Search") -> gRPC status code -> statistics.
  ResponseTable grpc_responses;
  MemoryFigures memory;
  ProcessFigures process;
  std::optional<std::string> prefix;  // service.metrics_prefix
};

std::string render_metrics(const MetricsInput& input);

// Whether REST statistics for this endpoint pattern appear in /metrics (Qdrant's whitelist).
bool is_metrics_endpoint(std::string_view pattern);
// The same for a gRPC method ("/qdrant.Points/Search"); Qdrant's list holds Points RPCs only.
bool is_grpc_metrics_endpoint(std::string_view method);

// A number as Prometheus text: shortest round-trip form, no exponent ("1", "0.005").
std::string format_metric_value(double value);

}  // namespace sextant::server
