// The effective configuration as "key = value" lines for the start-up log. Secrets are never
// printed: a set api key shows as "<set, N chars>".
#include <sstream>

#include "server/config.hpp"

namespace sextant::server {
namespace {

std::string secret(const std::optional<std::string>& key) {
  if (!key) return "<unset>";
  if (key->empty()) return "<empty: treated as unset>";
  return "<set, " + std::to_string(key->size()) + " chars>";
}

template <typename T>
std::string optional_text(const std::optional<T>& value) {
  if (!value) return "null";
  std::ostringstream out;
  out << *value;
  return out.str();
}

std::string flag(bool value) { return value ? "true" : "false"; }

}  // namespace

std::vector<std::string> describe_config(const Config& c) {
  std::vector<std::string> lines;
  auto add = [&lines](const std::string& key, const std::string& value) {
    lines.push_back(key + " = " + value);
  };
  const auto& s = c.service;
  add("log_level", c.log_level);
  add("telemetry_disabled", flag(c.telemetry_disabled));
  add("cluster.enabled", flag(c.cluster.enabled));
  if (c.cluster.enabled) {
    std::string urls;
    for (const auto& url : c.cluster.nats_urls) urls += (urls.empty() ? "" : ",") + url;
    add("cluster.nats.urls", urls);
    add("cluster.advertise_url", c.cluster.advertise_url.value_or("<derived>"));
  }
  add("service.host", s.host);
  add("service.http_port", std::to_string(s.http_port));
  add("service.grpc_port", s.grpc_port ? optional_text(s.grpc_port) : "null (gRPC disabled)");
  add("service.api_key", secret(s.api_key));
  add("service.alt_api_key", secret(s.alt_api_key));
  add("service.read_only_api_key", secret(s.read_only_api_key));
  add("service.jwt_rbac", flag(s.jwt_rbac));
  add("service.max_request_size_mb", std::to_string(s.max_request_size_mb));
  add("service.max_workers", optional_text(s.max_workers));
  add("service.enable_cors", flag(s.enable_cors));
  add("service.enable_snapshot_url_recovery", flag(s.enable_snapshot_url_recovery));
  add("service.enable_tls", flag(s.enable_tls));
  add("service.http_keep_alive_timeout_sec", std::to_string(s.http_keep_alive_timeout_sec));
  add("service.http_client_request_timeout_sec", std::to_string(s.http_client_request_timeout_sec));
  add("service.max_connections", std::to_string(s.max_connections));
  add("service.http_body_timeout_sec", std::to_string(s.http_body_timeout_sec));
  add("service.http_body_min_rate_bytes_per_sec",
      std::to_string(s.http_body_min_rate_bytes_per_sec));
  add("service.metrics_prefix", optional_text(s.metrics_prefix));
  add("service.slow_query_secs",
      s.slow_query_secs ? std::to_string(*s.slow_query_secs) : std::string("1.2 (default)"));
  if (s.enable_tls) {
    add("tls.cert", c.tls.cert);
    add("tls.key", c.tls.key);
    add("tls.ca_cert", optional_text(c.tls.ca_cert));
  }
  const auto& st = c.storage;
  add("storage.storage_path", st.storage_path);
  add("storage.snapshots_path", st.snapshots_path);
  add("storage.temp_path", optional_text(st.temp_path));
  add("storage.on_disk_payload", flag(st.on_disk_payload));
  add("storage.max_collections", optional_text(st.max_collections));
  add("storage.snapshot_download.connect_timeout_sec",
      std::to_string(st.snapshot_download.connect_timeout_sec));
  add("storage.snapshot_download.read_timeout_sec",
      std::to_string(st.snapshot_download.read_timeout_sec));
  add("storage.optimizers.deleted_threshold",
      optional_text(std::optional<double>(st.optimizers.deleted_threshold)));
  add("storage.optimizers.vacuum_min_vector_number",
      std::to_string(st.optimizers.vacuum_min_vector_number));
  add("storage.optimizers.default_segment_number",
      std::to_string(st.optimizers.default_segment_number));
  add("storage.optimizers.max_segment_size_kb", optional_text(st.optimizers.max_segment_size_kb));
  add("storage.optimizers.indexing_threshold_kb",
      std::to_string(st.optimizers.indexing_threshold_kb));
  add("storage.optimizers.flush_interval_sec", std::to_string(st.optimizers.flush_interval_sec));
  add("storage.optimizers.max_optimization_threads",
      optional_text(st.optimizers.max_optimization_threads));
  add("storage.hnsw_index.m", std::to_string(st.hnsw_index.m));
  add("storage.hnsw_index.ef_construct", std::to_string(st.hnsw_index.ef_construct));
  add("storage.hnsw_index.full_scan_threshold_kb",
      std::to_string(st.hnsw_index.full_scan_threshold_kb));
  add("storage.hnsw_index.max_indexing_threads",
      std::to_string(st.hnsw_index.max_indexing_threads));
  add("storage.hnsw_index.on_disk", flag(st.hnsw_index.on_disk));
  add("storage.hnsw_index.payload_m", optional_text(st.hnsw_index.payload_m));
  add("storage.performance.max_search_threads", std::to_string(st.performance.max_search_threads));
  add("storage.performance.optimizer_cpu_budget",
      std::to_string(st.performance.optimizer_cpu_budget));
  add("storage.performance.update_rate_limit", optional_text(st.performance.update_rate_limit));
  for (const auto& [name, dir] : c.embedding.models) add("embedding.models." + name, dir);
  add("embedding.precision", c.embedding.precision);
  for (const auto& snapshot : c.snapshots) {
    add("snapshot", snapshot.path + " -> collection " + snapshot.collection);
  }
  if (c.storage_snapshot) add("storage_snapshot", *c.storage_snapshot);
  return lines;
}

}  // namespace sextant::server
