// Sextant's typed configuration: Qdrant's config keys, layered exactly as Qdrant layers them.
//
//   built-in defaults (the values below)
//   -> config/config.yaml
//   -> config/{RUN_MODE}.yaml          (RUN_MODE from the environment, "development" if unset)
//   -> config/local.yaml
//   -> the file given with --config-path
//   -> environment QDRANT__SECTION__KEY (double underscore = nesting, case-insensitive)
//
// Missing files are skipped (a missing --config-path file is reported as an error line in the
// log, as Qdrant does, not a failure). Unknown keys are ignored with a warning; known Qdrant
// keys Sextant does not act on are accepted silently (debug log). A value of the wrong type
// or out of range is a start-up error naming the key.
//
// Invariants: after load_config() succeeds every field holds a validated value; nothing else
// in the process reads the environment or the YAML files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sextant::server {

struct ServiceConfig {
  // Loopback by default; the docker image sets 0.0.0.0 (Qdrant's own default).
  std::string host = "127.0.0.1";
  uint16_t http_port = 6333;
  // The gRPC API (server/grpc_listener.hpp); null disables it, 0 picks a free port.
  std::optional<uint16_t> grpc_port = 6334;
  std::optional<std::string> api_key;
  std::optional<std::string> alt_api_key;  // second read-write key, for key rotation
  std::optional<std::string> read_only_api_key;
  bool jwt_rbac = false;
  uint64_t max_request_size_mb = 32;
  // Request-handler threads. 0: one per core; unset: storage.performance.max_search_threads.
  std::optional<uint32_t> max_workers = 0;
  bool enable_cors = true;
  // Snapshot recovery from http(s) locations; false leaves local files and uploads only.
  bool enable_snapshot_url_recovery = true;
  bool enable_tls = false;
  // With TLS: clients must present a certificate signed by tls.ca_cert (REST and gRPC).
  bool verify_https_client_certificate = false;
  uint32_t http_keep_alive_timeout_sec = 5;
  uint32_t http_client_request_timeout_sec = 5;
  // Sextant's defences against slow and hostile clients (no Qdrant key exists for these).
  // Open connections beyond max_connections get a 503 and are closed at once.
  uint32_t max_connections = 4096;
  // A request body may take http_body_timeout_sec plus one second per
  // http_body_min_rate_bytes_per_sec bytes received; slower senders are disconnected.
  uint32_t http_body_timeout_sec = 30;
  uint32_t http_body_min_rate_bytes_per_sec = 1024;
  std::optional<std::string> metrics_prefix;
  // A search or query slower than this reports the unindexed fields its filters read
  // (/issues); unset: 1.2 s, as Qdrant.
  std::optional<double> slow_query_secs;
};

struct TlsConfig {
  std::string cert = "./tls/cert.pem";
  std::string key = "./tls/key.pem";
  std::optional<std::string> ca_cert;
};

struct OptimizersConfig {
  double deleted_threshold = 0.2;
  uint32_t vacuum_min_vector_number = 1000;
  uint32_t default_segment_number = 0;  // 0: chosen from the number of cores
  std::optional<uint64_t> max_segment_size_kb;
  uint64_t indexing_threshold_kb = 10000;
  uint32_t flush_interval_sec = 5;
  std::optional<uint32_t> max_optimization_threads;
};

struct HnswIndexConfig {
  uint32_t m = 16;
  uint32_t ef_construct = 100;
  uint64_t full_scan_threshold_kb = 10000;
  uint32_t max_indexing_threads = 0;  // 0: automatic
  bool on_disk = false;
  std::optional<uint32_t> payload_m;
};

struct PerformanceConfig {
  uint32_t max_search_threads = 0;   // 0: automatic
  int32_t optimizer_cpu_budget = 0;  // 0 auto, <0 leave that many cores free, >0 exact
  std::optional<uint32_t> update_rate_limit;
};

// Recover from an http(s) location (Sextant keys): the longest wait to connect, and for any
// progress after it (a stalled peer fails the recover instead of holding a thread).
struct SnapshotDownloadConfig {
  uint32_t connect_timeout_sec = 30;
  uint32_t read_timeout_sec = 60;
};

struct StorageConfig {
  std::string storage_path = "./storage";
  std::string snapshots_path = "./snapshots";
  std::optional<std::string> temp_path;
  bool on_disk_payload = true;
  OptimizersConfig optimizers;
  HnswIndexConfig hnsw_index;
  PerformanceConfig performance;
  std::optional<uint64_t> max_collections;
  SnapshotDownloadConfig snapshot_download;
};

// Built-in sentence-embedding models: the name clients use -> model directory, and the arithmetic
// of their dense layers ("int8", the default, or "float32": see embed/bert_encoder.hpp and
// docs/configuration.md for why int8 is the default).
struct EmbeddingConfig {
  std::map<std::string, std::string> models;
  std::string precision = "int8";
};

// `--snapshot PATH:COLLECTION`: a collection to restore from a snapshot file at start-up.
struct SnapshotRestore {
  std::string path;
  std::string collection;
};

// Distributed mode (docs/distributed.md): the node joins the NATS JetStream cluster at
// `nats_urls` (cluster.nats.urls, comma-separated, or SEXTANT_NATS_URLS, which wins) and
// tells its peers to reach its REST API at `advertise_url` (derived from service.host and
// http_port when unset). cluster.p2p.port is accepted for Qdrant configs and unused: nodes talk
// through NATS and REST.
struct ClusterConfig {
  bool enabled = false;
  std::vector<std::string> nats_urls;
  std::optional<std::string> advertise_url;
  uint16_t p2p_port = 6335;
};

struct Config {
  std::string log_level = "INFO";
  bool telemetry_disabled = false;
  ClusterConfig cluster;
  ServiceConfig service;
  TlsConfig tls;
  StorageConfig storage;
  EmbeddingConfig embedding;

  // From the command line only.
  std::optional<std::string> config_path;
  std::vector<SnapshotRestore> snapshots;
  std::optional<std::string> storage_snapshot;
  bool force_snapshot = false;

  uint64_t max_request_size_bytes() const { return service.max_request_size_mb << 20; }
};

// Everything load_config() reads, gathered by main() so that loading is a pure function of
// its input (and testable without touching the real environment).
struct ConfigSources {
  std::string base_dir = ".";                                    // the directory holding config/
  std::vector<std::pair<std::string, std::string>> environment;  // all NAME=value pairs
  std::optional<std::string> config_path;                        // --config-path
};

struct ConfigLoadResult {
  std::optional<Config> config;       // set on success
  std::string error;                  // set on failure: "<key>: <what is wrong>"
  std::vector<std::string> warnings;  // unknown keys, missing files; logged by the caller
  std::vector<std::string> notes;     // debug-level: files read, keys accepted but unused
};

ConfigLoadResult load_config(const ConfigSources& sources);

// One "key = value" line per effective setting, secrets (api keys) masked, for the start-up log.
std::vector<std::string> describe_config(const Config& config);

}  // namespace sextant::server
