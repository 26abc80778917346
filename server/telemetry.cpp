// Assembly of the /telemetry document.
#include "server/telemetry.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/cpu_features.hpp"
#include "server/process_figures.hpp"

namespace sextant::server {
namespace {

// /etc/os-release's ID and VERSION_ID, as Qdrant reports the distribution.
std::pair<std::optional<std::string>, std::optional<std::string>> os_release() {
  std::ifstream file("/etc/os-release");
  std::optional<std::string> id, version;
  std::string line;
  auto unquote = [](std::string value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  };
  while (std::getline(file, line)) {
    if (line.rfind("ID=", 0) == 0) id = unquote(line.substr(3));
    if (line.rfind("VERSION_ID=", 0) == 0) version = unquote(line.substr(11));
  }
  return {id, version};
}

boost::json::value optional_string(const std::optional<std::string>& value) {
  if (!value) return nullptr;
  return boost::json::string(*value);
}

boost::json::object system_telemetry(const Config& config) {
  boost::json::object system;
  auto [distribution, version] = os_release();
  system["distribution"] = optional_string(distribution);
  system["distribution_version"] = optional_string(version);
  system["is_docker"] = std::filesystem::exists("/.dockerenv");
  system["cores"] = std::max(1u, std::thread::hardware_concurrency());
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) {
    system["ram_size"] = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 1024;
  } else {
    system["ram_size"] = nullptr;
  }
  std::error_code ec;
  auto space = std::filesystem::space(config.storage.storage_path, ec);
  if (!ec) {
    system["disk_size"] = space.capacity / 1024;
  } else {
    system["disk_size"] = nullptr;
  }
  std::string flags;
  const CpuFeatures& cpu = cpu_features();
  const std::pair<const char*, bool> features[] = {
      {"sse", cpu.sse}, {"sse2", cpu.sse2},       {"avx", cpu.avx},           {"avx2", cpu.avx2},
      {"fma", cpu.fma}, {"avx512f", cpu.avx512f}, {"avx512vl", cpu.avx512vl},
  };
  for (const auto& [name, present] : features) {
    if (!present) continue;
    if (!flags.empty()) flags += ',';
    flags += name;
  }
  system["cpu_flags"] = flags;
  system["cpu_endian"] = "little";
  return system;
}

boost::json::object statistics_json(const OperationStatistics& stats, int details_level) {
  boost::json::object out;
  out["count"] = stats.count;
  out["avg_duration_micros"] = stats.avg_seconds * 1e6;
  if (details_level >= 1) {
    out["min_duration_micros"] = stats.min_seconds * 1e6;
    out["max_duration_micros"] = stats.max_seconds * 1e6;
    out["total_duration_micros"] = static_cast<uint64_t>(stats.total_seconds * 1e6);
    out["last_responded"] = format_timestamp(stats.last_responded);
  }
  return out;
}

// Qdrant's runtime feature flags, as a default-configured 1.19 node reports them.
boost::json::object runtime_features() {
  return boost::json::object{{"all", false},
                             {"incremental_hnsw_building", true},
                             {"appendable_quantization", true},
                             {"single_file_mmap_vector_storage", true},
                             {"async_payload_storage", true},
                             {"write_segment_manifest", false},
                             {"append_only_mutations", false},
                             {"compact_bitmask", false},
                             {"serverless_compatible", false}};
}

// Qdrant's cluster config defaults (a standalone node keeps them unused).
boost::json::object cluster_config() {
  return boost::json::object{{"grpc_timeout_ms", 60000},
                             {"p2p", boost::json::object{{"connection_pool_size", 2}}},
                             {"consensus", boost::json::object{{"max_message_queue_size", 100},
                                                               {"tick_period_ms", 100},
                                                               {"bootstrap_timeout_sec", 15}}}};
}

// Searches run on one worker pool, sized by service.max_workers (0: one per core).
boost::json::object search_pool(const Config& config) {
  uint32_t threads = config.service.max_workers.value_or(0);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return boost::json::object{
      {"mode", "high_cpu"}, {"high_cpu_threads", threads}, {"high_io_threads", 0}};
}

// Level 1: an empty list; level 2+: one entry per collection (Sextant keeps no counts of
// running snapshot work, so they read 0).
boost::json::array snapshots_telemetry(const api::ServiceStats& stats, int level) {
  boost::json::array snapshots;
  if (level < 2) return snapshots;
  for (const auto& collection : stats.collections) {
    snapshots.push_back(boost::json::object{{"id", collection.name},
                                            {"running_snapshots", 0},
                                            {"running_snapshot_recovery", 0},
                                            {"total_snapshot_creations", 0}});
  }
  return snapshots;
}

}  // namespace

std::string format_timestamp(std::chrono::system_clock::time_point time) {
  auto seconds = std::chrono::system_clock::to_time_t(time);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) %
                std::chrono::seconds(1);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count() / 10 * 10));
  return buffer;
}

boost::json::object build_telemetry(const ServiceContext& context,
                                    const TelemetryOptions& options) {
  const Config& config = *context.config;
  const int level = options.details_level;
  boost::json::object telemetry;
  telemetry["id"] = context.telemetry_id;

  boost::json::object app;
  app["name"] = "qdrant";
  app["version"] = SEXTANT_QDRANT_VERSION;
  if (level >= 1) {
    app["features"] =
        boost::json::object{{"debug", false},         {"service_debug_feature", false},
                            {"recovery_mode", false}, {"gpu", false},
                            {"rocksdb", false},       {"staging", false}};
    app["runtime_features"] = runtime_features();
    app["low_memory_mode"] = "disabled";
    app["hnsw_global_config"] = boost::json::object{{"healing_threshold", 0.3}};
    app["system"] = system_telemetry(config);
  }
  if (config.service.jwt_rbac) app["jwt_rbac"] = true;
  app["startup"] = format_timestamp(context.startup);
  app["sextant"] = boost::json::object{{"version", SEXTANT_VERSION}};
  telemetry["app"] = std::move(app);

  api::ServiceStats stats = context.api->stats();
  boost::json::object collections;
  collections["number_of_collections"] = stats.collections_total;
  if (config.storage.max_collections) {
    collections["max_collections"] = *config.storage.max_collections;
  }
  if (level >= 1) {
    boost::system::error_code ec;
    auto summaries = boost::json::parse(context.api->telemetry_collections_json(level), ec);
    collections["collections"] = (!ec && summaries.is_array()) ? summaries : boost::json::array();
    collections["snapshots"] = snapshots_telemetry(stats, level);
  }
  telemetry["collections"] = std::move(collections);

  if (options.global_access) {
    boost::json::object cluster{{"enabled", false}};
    if (level >= 2) cluster["config"] = cluster_config();
    cluster["resharding_enabled"] = false;
    telemetry["cluster"] = std::move(cluster);
    auto responses_json = [level](const ResponseTable& table) {
      boost::json::object responses;
      for (const auto& [key, by_status] : table) {
        boost::json::object per_status;
        for (const auto& [status, op] : by_status) {
          per_status[std::to_string(status)] = statistics_json(op, level);
        }
        responses[key] = std::move(per_status);
      }
      return responses;
    };
    boost::json::object grpc_responses;
    if (context.grpc_metrics) grpc_responses = responses_json(context.grpc_metrics->snapshot());
    telemetry["requests"] = boost::json::object{
        {"rest", boost::json::object{{"responses", responses_json(context.metrics->snapshot())}}},
        {"grpc", boost::json::object{{"responses", std::move(grpc_responses)}}}};
    if (level >= 1) {
      const MemoryFigures memory = memory_figures();
      telemetry["memory"] = boost::json::object{{"active_bytes", memory.active_bytes},
                                                {"allocated_bytes", memory.allocated_bytes},
                                                {"metadata_bytes", memory.metadata_bytes},
                                                {"resident_bytes", memory.resident_bytes},
                                                {"retained_bytes", memory.retained_bytes}};
      // Sextant does not meter hardware use per collection.
      telemetry["hardware"] = boost::json::object{{"collection_data", boost::json::object()}};
      telemetry["search_pool"] = search_pool(config);
    }
  }
  telemetry["quota"] = boost::json::object{
      {"config", context.quotas->config()},
      {"exceeded", boost::json::object{{"resident_memory", nullptr}, {"disk_usage", nullptr}}}};
  return telemetry;
}

}  // namespace sextant::server
