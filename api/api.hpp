// The API layer's entry point. The server builds an ApiConfig from its typed Config, opens the
// Api (which opens storage under storage_path), and asks it to register its routes.
//
// Ownership: Api owns the storage engine and everything below it. It must outlive the Router's
// use of its handlers; the server calls shutdown() after the last in-flight request finished,
// which flushes pending writes and closes LMDB cleanly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "storage/storage_log.hpp"

namespace sextant::storage {
class Storage;
}  // namespace sextant::storage

namespace sextant::api {

class IssueBoard;

struct ApiConfig {
  std::string storage_path = "./storage";
  std::string snapshots_path = "./snapshots";
  bool on_disk_payload = true;
  // Defaults applied to new collections (storage.hnsw_index / storage.optimizers in config).
  uint32_t hnsw_m = 16;
  uint32_t hnsw_ef_construct = 100;
  uint32_t hnsw_full_scan_threshold_kb = 10000;
  uint32_t max_indexing_threads = 0;  // 0: all cores
  uint32_t indexing_threshold_kb = 10000;
  double deleted_threshold = 0.2;
  uint32_t vacuum_min_vector_number = 1000;
  uint32_t flush_interval_sec = 5;
  std::optional<uint32_t> default_segment_number;
  uint32_t worker_threads = 0;  // 0: all cores; search / indexing pool size
  uint64_t max_request_size_bytes = 32ull << 20;
  // Searches and queries slower than this report unindexed filter fields (/issues).
  double slow_query_secs = 1.2;
  // Recover from an http(s) location: the longest wait to connect, and for any progress after.
  // Recover from http(s) locations (service.enable_snapshot_url_recovery); false: 403.
  bool enable_snapshot_url_recovery = true;
  uint32_t snapshot_download_connect_timeout_sec = 30;
  uint32_t snapshot_download_read_timeout_sec = 60;
  // Embedding models: the name clients use -> model directory (embed/).
  std::map<std::string, std::string> embedding_models;
  // embedding.precision: int8 dense layers instead of float32.
  bool embedding_int8 = false;
  // Hugging Face hub caches to look models up in (from HF_HUB_CACHE / HF_HOME).
  std::vector<std::string> embedding_hub_cache_roots;
  // The running binary (/proc/self/exe); the default model is looked for relative to it
  // (api/handlers/default_embedding_model.hpp). Empty: only the working directory.
  std::string executable_path;
  // Where the models served, or why the default one is not, are reported at start-up.
  storage::LogSink embedding_log;
  // Where storage reports stored state it found damaged and repaired (the server's log).
  storage::LogSink storage_log;
};

// One collection's figures for /metrics' per-collection series.
struct CollectionFigures {
  std::string name;
  uint64_t points = 0;
  std::vector<std::pair<std::string, uint64_t>> vectors_by_name;  // "" for the default vector
  uint64_t running_optimizations = 0;  // 1 while the indexing thread builds a graph
  uint64_t pending_updates = 0;        // operations queued, not yet applied
};

// Figures the server's /metrics and /telemetry report.
struct ServiceStats {
  uint64_t collections_total = 0;
  uint64_t vectors_total = 0;  // points x dense vectors, summed over collections
  uint64_t points_total = 0;
  std::vector<CollectionFigures> collections;  // by name
};

class Api {
 public:
  // Opens storage; a storage directory that is not Sextant's, or of a newer format, is an
  // error (returned as text for the start-up log), never overwritten.
  static std::unique_ptr<Api> open(const ApiConfig& config, std::string* error);
  ~Api();

  void register_routes(Router& router);
  // Only the embedding routes plus /health and /info: the `sextant embed` sidecar.
  void register_embed_sidecar_routes(Router& router);
  // The storage engine, for the server's start-up work (snapshot restores) before it serves.
  storage::Storage& storage();
  // The issues report (GET/DELETE /issues).
  IssueBoard& issues();
  ServiceStats stats() const;
  // The `collections.collections` list of /telemetry at `details_level` (1: Qdrant's
  // aggregated form; 2: id, init_time_ms, config; 3+: also shards, transfers, resharding).
  // From level 2 each entry also carries Sextant's LMDB figures under `storage`.
  std::string telemetry_collections_json(int details_level) const;
  void shutdown();

  struct Impl;

 private:
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::api
