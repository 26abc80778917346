// Typing of the flattened configuration layers into Config: one table row per key Sextant
// understands, a list of Qdrant keys it accepts without acting on them, and a warning for
// anything else.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string_view>

#include "server/config.hpp"
#include "server/config_sources.hpp"
#include "server/log.hpp"

namespace sextant::server {
namespace {

// Applies one value; returns an empty string on success or a description of the problem.
using Setter = std::function<std::string(Config&, const ConfigValue&)>;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string parse_bool(const ConfigValue& value, bool* out) {
  std::string text = lower(value.text);
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    *out = true;
  } else if (text == "false" || text == "0" || text == "no" || text == "off") {
    *out = false;
  } else {
    return "expected true or false, got '" + value.text + "'";
  }
  return "";
}

template <typename Int>
std::string parse_int(const ConfigValue& value, Int* out) {
  const char* begin = value.text.data();
  const char* end = begin + value.text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(*begin))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(end[-1]))) --end;
  if (begin < end && *begin == '+') ++begin;
  Int parsed{};
  auto [ptr, ec] = std::from_chars(begin, end, parsed);
  if (ec == std::errc::result_out_of_range) {
    return "'" + value.text + "' is out of range (" +
           std::to_string(std::numeric_limits<Int>::min()) + " to " +
           std::to_string(std::numeric_limits<Int>::max()) + ")";
  }
  if (ec != std::errc() || ptr != end || begin == end) {
    return std::string("expected ") +
           (std::is_signed_v<Int> ? "an integer" : "a non-negative integer") + ", got '" +
           value.text + "'";
  }
  *out = parsed;
  return "";
}

std::string parse_double(const ConfigValue& value, double* out) {
  char* end = nullptr;
  double parsed = std::strtod(value.text.c_str(), &end);
  if (value.text.empty() || end != value.text.c_str() + value.text.size()) {
    return "expected a number, got '" + value.text + "'";
  }
  *out = parsed;
  return "";
}

// Setter builders. `field` maps a Config to the member being set.
template <typename Field>
Setter string_setter(Field field) {
  return [field](Config& c, const ConfigValue& v) -> std::string {
    if (v.is_null) return "must not be null";
    *field(c) = v.text;
    return "";
  };
}

template <typename Field>
Setter optional_string_setter(Field field) {
  return [field](Config& c, const ConfigValue& v) -> std::string {
    if (v.is_null) {
      field(c)->reset();
    } else {
      *field(c) = v.text;
    }
    return "";
  };
}

template <typename Field>
Setter bool_setter(Field field) {
  return [field](Config& c, const ConfigValue& v) -> std::string {
    if (v.is_null) return "must not be null";
    return parse_bool(v, field(c));
  };
}

template <typename Int, typename Field>
Setter int_setter(Field field) {
  return [field](Config& c, const ConfigValue& v) -> std::string {
    if (v.is_null) return "must not be null";
    return parse_int<Int>(v, field(c));
  };
}

template <typename Int, typename Field>
Setter optional_int_setter(Field field) {
  return [field](Config& c, const ConfigValue& v) -> std::string {
    if (v.is_null) {
      field(c)->reset();
      return "";
    }
    Int parsed{};
    std::string error = parse_int<Int>(v, &parsed);
    if (error.empty()) *field(c) = parsed;
    return error;
  };
}

// A comma-separated list of NATS server URLs (cluster.nats.urls, SEXTANT_NATS_URLS).
std::vector<std::string> split_urls(const std::string& text) {
  std::vector<std::string> urls;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string url = text.substr(start, comma - start);
    while (!url.empty() && url.front() == ' ') url.erase(url.begin());
    while (!url.empty() && url.back() == ' ') url.pop_back();
    if (!url.empty()) urls.push_back(url);
    start = comma + 1;
  }
  return urls;
}

Setter nats_urls_setter() {
  return [](Config& c, const ConfigValue& v) -> std::string {
    c.cluster.nats_urls = v.is_null ? std::vector<std::string>() : split_urls(v.text);
    return "";
  };
}

#define FIELD(member) [](Config& c) { return &c.member; }

const std::map<std::string, Setter>& known_keys() {
  static const std::map<std::string, Setter> table = {
      {"log_level", string_setter(FIELD(log_level))},
      {"embedding.precision", string_setter(FIELD(embedding.precision))},
      {"telemetry_disabled", bool_setter(FIELD(telemetry_disabled))},
      {"cluster.enabled", bool_setter(FIELD(cluster.enabled))},
      {"cluster.p2p.port", int_setter<uint16_t>(FIELD(cluster.p2p_port))},
      {"cluster.advertise_url", optional_string_setter(FIELD(cluster.advertise_url))},
      {"cluster.nats.urls", nats_urls_setter()},
      {"service.host", string_setter(FIELD(service.host))},
      {"service.http_port", int_setter<uint16_t>(FIELD(service.http_port))},
      {"service.grpc_port", optional_int_setter<uint16_t>(FIELD(service.grpc_port))},
      {"service.api_key", optional_string_setter(FIELD(service.api_key))},
      {"service.alt_api_key", optional_string_setter(FIELD(service.alt_api_key))},
      {"service.read_only_api_key", optional_string_setter(FIELD(service.read_only_api_key))},
      {"service.jwt_rbac",
       [](Config& c, const ConfigValue& v) -> std::string {
         if (v.is_null) {
           c.service.jwt_rbac = false;
           return "";
         }
         return parse_bool(v, &c.service.jwt_rbac);
       }},
      {"service.max_request_size_mb", int_setter<uint64_t>(FIELD(service.max_request_size_mb))},
      {"service.max_workers", optional_int_setter<uint32_t>(FIELD(service.max_workers))},
      {"service.enable_cors", bool_setter(FIELD(service.enable_cors))},
      {"service.enable_snapshot_url_recovery",
       bool_setter(FIELD(service.enable_snapshot_url_recovery))},
      {"service.enable_tls", bool_setter(FIELD(service.enable_tls))},
      {"service.verify_https_client_certificate",
       bool_setter(FIELD(service.verify_https_client_certificate))},
      {"service.http_keep_alive_timeout_sec",
       int_setter<uint32_t>(FIELD(service.http_keep_alive_timeout_sec))},
      {"service.http_client_request_timeout_sec",
       int_setter<uint32_t>(FIELD(service.http_client_request_timeout_sec))},
      {"service.max_connections", int_setter<uint32_t>(FIELD(service.max_connections))},
      {"service.http_body_timeout_sec", int_setter<uint32_t>(FIELD(service.http_body_timeout_sec))},
      {"service.http_body_min_rate_bytes_per_sec",
       int_setter<uint32_t>(FIELD(service.http_body_min_rate_bytes_per_sec))},
      {"service.metrics_prefix", optional_string_setter(FIELD(service.metrics_prefix))},
      {"service.slow_query_secs",
       [](Config& c, const ConfigValue& v) -> std::string {
         if (v.is_null) {
           c.service.slow_query_secs.reset();
           return "";
         }
         double parsed = 0;
         std::string error = parse_double(v, &parsed);
         if (!error.empty()) return error;
         if (parsed < 0.0) return "must not be negative, got " + v.text;
         c.service.slow_query_secs = parsed;
         return "";
       }},
      {"tls.cert", string_setter(FIELD(tls.cert))},
      {"tls.key", string_setter(FIELD(tls.key))},
      {"tls.ca_cert", optional_string_setter(FIELD(tls.ca_cert))},
      {"storage.storage_path", string_setter(FIELD(storage.storage_path))},
      {"storage.snapshots_path", string_setter(FIELD(storage.snapshots_path))},
      {"storage.temp_path", optional_string_setter(FIELD(storage.temp_path))},
      {"storage.on_disk_payload", bool_setter(FIELD(storage.on_disk_payload))},
      {"storage.max_collections", optional_int_setter<uint64_t>(FIELD(storage.max_collections))},
      {"storage.snapshot_download.connect_timeout_sec",
       int_setter<uint32_t>(FIELD(storage.snapshot_download.connect_timeout_sec))},
      {"storage.snapshot_download.read_timeout_sec",
       int_setter<uint32_t>(FIELD(storage.snapshot_download.read_timeout_sec))},
      {"storage.optimizers.deleted_threshold",
       [](Config& c, const ConfigValue& v) -> std::string {
         if (v.is_null) return "must not be null";
         double parsed = 0;
         std::string error = parse_double(v, &parsed);
         if (!error.empty()) return error;
         if (parsed < 0.0 || parsed > 1.0) return "must be between 0 and 1, got " + v.text;
         c.storage.optimizers.deleted_threshold = parsed;
         return "";
       }},
      {"storage.optimizers.vacuum_min_vector_number",
       int_setter<uint32_t>(FIELD(storage.optimizers.vacuum_min_vector_number))},
      {"storage.optimizers.default_segment_number",
       int_setter<uint32_t>(FIELD(storage.optimizers.default_segment_number))},
      {"storage.optimizers.max_segment_size_kb",
       optional_int_setter<uint64_t>(FIELD(storage.optimizers.max_segment_size_kb))},
      {"storage.optimizers.indexing_threshold_kb",
       int_setter<uint64_t>(FIELD(storage.optimizers.indexing_threshold_kb))},
      {"storage.optimizers.flush_interval_sec",
       int_setter<uint32_t>(FIELD(storage.optimizers.flush_interval_sec))},
      {"storage.optimizers.max_optimization_threads",
       optional_int_setter<uint32_t>(FIELD(storage.optimizers.max_optimization_threads))},
      {"storage.hnsw_index.m", int_setter<uint32_t>(FIELD(storage.hnsw_index.m))},
      {"storage.hnsw_index.ef_construct",
       int_setter<uint32_t>(FIELD(storage.hnsw_index.ef_construct))},
      {"storage.hnsw_index.full_scan_threshold_kb",
       int_setter<uint64_t>(FIELD(storage.hnsw_index.full_scan_threshold_kb))},
      {"storage.hnsw_index.max_indexing_threads",
       int_setter<uint32_t>(FIELD(storage.hnsw_index.max_indexing_threads))},
      {"storage.hnsw_index.on_disk", bool_setter(FIELD(storage.hnsw_index.on_disk))},
      {"storage.hnsw_index.payload_m",
       optional_int_setter<uint32_t>(FIELD(storage.hnsw_index.payload_m))},
      {"storage.performance.max_search_threads",
       int_setter<uint32_t>(FIELD(storage.performance.max_search_threads))},
      {"storage.performance.optimizer_cpu_budget",
       int_setter<int32_t>(FIELD(storage.performance.optimizer_cpu_budget))},
      {"storage.performance.update_rate_limit",
       optional_int_setter<uint32_t>(FIELD(storage.performance.update_rate_limit))},
  };
  return table;
}

#undef FIELD

// Qdrant keys (or whole sections) that are valid in a Qdrant config file but have no effect in
// Sextant. A user's existing Qdrant config must load without a wall of warnings.
bool is_accepted_qdrant_key(const std::string& key) {
  static const char* const kPrefixes[] = {
      "logger.",
      "cluster.",
      "audit.",
      "debugger.",
      "inference.",
      "gpu.",
      "feature_flags.",
      "tls.cert_ttl",
      "storage.wal.",
      "storage.snapshots_config.",
      "storage.update_concurrency",
      "storage.node_type",
      "storage.optimizers_overwrite.",
      "storage.collection.",
      "storage.shard_transfer_method",
      "storage.quotas.",
      "storage.payload.",
      "storage.low_memory_mode",
      "storage.handle_collection_load_errors",
      "storage.recovery_mode",
      "storage.hnsw_index.memory",
      "storage.hnsw_global_config.",
      "storage.performance.",
      "service.hide_jwt_dashboard",
      "service.enforce_internal_auth",
      "service.hardware_reporting",
      "service.static_content_dir",
      "service.enable_static_content",
      "service.metrics_port",
      "service.http_client_disconnect_timeout_sec",
  };
  for (const char* prefix : kPrefixes) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string validate(const Config& config) {
  if (config.service.host.empty()) return "service.host: must not be empty";
  if (!parse_log_level(config.log_level)) {
    return "log_level: expected one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + config.log_level +
           "'";
  }
  if (config.embedding.precision != "float32" && config.embedding.precision != "int8") {
    return "embedding.precision: expected float32 or int8, got '" + config.embedding.precision +
           "'";
  }
  if (config.service.max_request_size_mb == 0) {
    return "service.max_request_size_mb: must be at least 1";
  }
  if (config.service.max_request_size_mb > (uint64_t{1} << 20)) {
    return "service.max_request_size_mb: must be at most 1048576";
  }
  if (config.service.http_keep_alive_timeout_sec == 0) {
    return "service.http_keep_alive_timeout_sec: must be at least 1";
  }
  if (config.service.http_client_request_timeout_sec == 0) {
    return "service.http_client_request_timeout_sec: must be at least 1";
  }
  if (config.service.max_connections == 0) return "service.max_connections: must be at least 1";
  if (config.service.http_body_timeout_sec == 0) {
    return "service.http_body_timeout_sec: must be at least 1";
  }
  if (config.service.http_body_min_rate_bytes_per_sec == 0) {
    return "service.http_body_min_rate_bytes_per_sec: must be at least 1";
  }
  if (config.storage.snapshot_download.connect_timeout_sec == 0) {
    return "storage.snapshot_download.connect_timeout_sec: must be at least 1";
  }
  if (config.storage.snapshot_download.read_timeout_sec == 0) {
    return "storage.snapshot_download.read_timeout_sec: must be at least 1";
  }
  if (config.storage.storage_path.empty()) return "storage.storage_path: must not be empty";
  if (config.storage.snapshots_path.empty()) return "storage.snapshots_path: must not be empty";
  if (config.storage.hnsw_index.m == 0 && config.storage.hnsw_index.payload_m.value_or(1) == 0) {
    return "storage.hnsw_index.m: must be at least 1 when payload_m is 0";
  }
  if (config.storage.hnsw_index.ef_construct < 4) {
    return "storage.hnsw_index.ef_construct: must be at least 4";
  }
  if (config.cluster.enabled && config.cluster.nats_urls.empty()) {
    return "cluster.enabled: distributed mode needs the NATS servers of the cluster: set "
           "SEXTANT_NATS_URLS or cluster.nats.urls (scripts/cluster.sh starts them)";
  }
  if (const auto& prefix = config.service.metrics_prefix) {
    for (char ch : *prefix) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') {
        return "service.metrics_prefix: Metrics prefix must be of all alphanumeric characters, "
               "with an exception for '_'";
      }
    }
  }
  return "";
}

}  // namespace

ConfigLoadResult load_config(const ConfigSources& sources) {
  ConfigLoadResult result;
  FlatConfig flat;
  std::string error;

  std::string run_mode = find_env(sources.environment, "RUN_MODE").value_or("development");
  const std::string dir = sources.base_dir + "/config/";
  struct Layer {
    std::string stem;
    bool warn_if_missing;
  };
  const Layer layers[] = {{dir + "config", true}, {dir + run_mode, true}, {dir + "local", false}};
  for (const auto& layer : layers) {
    bool found = false;
    for (const char* extension : {".yaml", ".yml"}) {
      auto merged = merge_yaml_file(layer.stem + extension, &flat, &error);
      if (!merged) continue;
      if (!*merged) {
        result.error = error;
        return result;
      }
      result.notes.push_back("Loaded config file " + layer.stem + extension);
      found = true;
      break;
    }
    if (!found && layer.warn_if_missing) {
      result.notes.push_back("Config file not found: " + layer.stem);
    }
  }
  if (sources.config_path) {
    auto merged = merge_yaml_file(*sources.config_path, &flat, &error);
    if (!merged) {
      result.warnings.push_back("Config file via --config-path is not found: " +
                                *sources.config_path);
    } else if (!*merged) {
      result.error = error;
      return result;
    } else {
      result.notes.push_back("Loaded config file " + *sources.config_path);
    }
  }
  merge_environment(sources.environment, &flat);
  if (auto urls = find_env(sources.environment, "SEXTANT_NATS_URLS")) {
    flat["cluster.nats.urls"] = ConfigValue{*urls, false, "SEXTANT_NATS_URLS"};
  }

  Config config;
  const auto& table = known_keys();
  for (const auto& [key, value] : flat) {
    auto setter = table.find(key);
    if (setter != table.end()) {
      std::string problem = setter->second(config, value);
      if (!problem.empty()) {
        result.error = "invalid value for " + key + " (from " + value.origin + "): " + problem;
        return result;
      }
    } else if (key.rfind("embedding.models.", 0) == 0 && key.size() > 17) {
      if (value.is_null) {
        config.embedding.models.erase(key.substr(17));
      } else {
        config.embedding.models[key.substr(17)] = value.text;
      }
    } else if (is_accepted_qdrant_key(key)) {
      result.notes.push_back("Config key " + key + " is accepted but has no effect in Sextant");
    } else {
      result.warnings.push_back("Unknown config key " + key + " (from " + value.origin +
                                ") is ignored");
    }
  }
  std::string invalid = validate(config);
  if (!invalid.empty()) {
    result.error = invalid;
    return result;
  }
  config.config_path = sources.config_path;
  result.config = std::move(config);
  return result;
}

}  // namespace sextant::server
