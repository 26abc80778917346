// `sextant`: parse the command line and configuration, open the Api (storage), serve HTTP
// until SIGTERM/SIGINT, then drain in-flight requests and close storage cleanly.
//
// Subcommands (`sextant <name> ...`) are dispatched from kSubcommands before any server
// set-up; each owns its own arguments.
#include <stdlib.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "api/api.hpp"
#include "api/handlers/embed_handlers.hpp"
#include "common/heap_release.hpp"
#include "embed/model_locator.hpp"
#include "migrate/migrate_command.hpp"
#include "server/cluster/cluster_mode.hpp"
#include "server/command_line.hpp"
#include "server/config.hpp"
#include "server/log.hpp"
#include "server/migrate_grpc_endpoint.hpp"
#include "server/migrate_storage_target.hpp"
#include "server/server.hpp"
#include "server/snapshot_startup.hpp"

extern char** environ;

namespace sextant::server {
namespace {

// The running binary's path, which the default embedding model is looked up relative to; ""
// when the kernel does not say.
std::string executable_path() {
  std::error_code error;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string() : path.string();
}

// `sextant embed --host H --port P [--model NAME=DIR]...`: the embedding sidecar. It serves
// only the embedding routes; the server machinery it reuses needs an Api, which is opened on a
// private scratch storage directory that holds no data and is removed on exit.
int run_embed_subcommand(const std::vector<std::string>& args) {
  api::EmbedSidecarOptions options;
  std::string error = api::parse_embed_sidecar_args(args, &options);
  if (!error.empty()) {
    std::fprintf(stderr, "sextant embed: %s\n", error.c_str());
    return 2;
  }
  char scratch_template[] = "/tmp/sextant-embed-XXXXXX";
  const char* scratch = mkdtemp(scratch_template);
  if (!scratch) {
    std::fprintf(stderr, "sextant embed: cannot create a scratch directory\n");
    return 1;
  }
  Config config;
  config.service.host = options.host;
  config.service.http_port = options.port;
  api::ApiConfig api_config;
  api_config.storage_path = std::string(scratch) + "/storage";
  api_config.snapshots_path = std::string(scratch) + "/snapshots";
  api_config.embedding_models = options.models;
  api_config.executable_path = executable_path();
  api_config.embedding_log = [](std::string_view line) { log_info(line); };
  api_config.embedding_int8 = options.int8;
  if (options.worker_threads > 0) api_config.worker_threads = options.worker_threads;
  std::unique_ptr<api::Api> api = api::Api::open(api_config, &error);
  int status = 1;
  if (!api) {
    log_error("sextant embed: " + error);
  } else {
    Server server(config, *api);
    api->register_embed_sidecar_routes(server.router());
    if (server.start(&error)) {
      log_info("Embedding sidecar listening on " + options.host + ":" +
               std::to_string(options.port));
      server.wait();
      server.drain();
      status = 0;
    } else {
      log_error(error);
    }
    api->shutdown();
  }
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  return status;
}

std::vector<std::pair<std::string, std::string>> read_environment();
api::ApiConfig make_api_config(const Config& config);

// `sextant migrate --from URL --to URL ...`: copies collections between two servers that speak
// Qdrant's REST or gRPC API (migrate/migrate_command.hpp; grpc(s):// ends through
// server/migrate_grpc_endpoint.hpp). API keys may come from the environment.
// `--to-storage PATH` opens PATH here with the built-in configuration defaults a server
// would apply (server/migrate_storage_target.hpp).
int run_migrate_subcommand(const std::vector<std::string>& args) {
  auto environment = read_environment();
  auto open_storage = [](const std::string& storage_path) {
    Config config;
    config.storage.storage_path = storage_path;
    api::ApiConfig api_config = make_api_config(config);
    api_config.embedding_models.clear();  // points arrive with their vectors: no model needed
    return open_migrate_storage_target(api_config);
  };
  return migrate::run_migrate(
      args,
      [&environment](const std::string& name) {
        for (const auto& [key, value] : environment)
          if (key == name) return value;
        return std::string();
      },
      open_storage, open_migrate_grpc_endpoint);
}

struct Subcommand {
  const char* name;
  int (*run)(const std::vector<std::string>& args);
};

constexpr Subcommand kSubcommands[] = {
    {"embed", run_embed_subcommand},
    {"migrate", run_migrate_subcommand},
};

std::vector<std::pair<std::string, std::string>> read_environment() {
  std::vector<std::pair<std::string, std::string>> environment;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    size_t equals = text.find('=');
    if (equals == std::string::npos) continue;
    environment.emplace_back(text.substr(0, equals), text.substr(equals + 1));
  }
  return environment;
}

// Hugging Face cache directories models may be looked up in (HF_HUB_CACHE, HF_HOME, HOME).
std::vector<std::string> hub_cache_roots_from(
    const std::vector<std::pair<std::string, std::string>>& environment) {
  auto get = [&](const char* name) {
    for (const auto& [key, value] : environment)
      if (key == name) return value;
    return std::string();
  };
  return embed::hub_cache_roots(get("HF_HUB_CACHE"), get("HF_HOME"), get("HOME"));
}

api::ApiConfig make_api_config(const Config& config) {
  api::ApiConfig api;
  const StorageConfig& storage = config.storage;
  api.storage_path = storage.storage_path;
  api.snapshots_path = storage.snapshots_path;
  api.on_disk_payload = storage.on_disk_payload;
  api.hnsw_m = storage.hnsw_index.m;
  api.hnsw_ef_construct = storage.hnsw_index.ef_construct;
  api.hnsw_full_scan_threshold_kb =
      static_cast<uint32_t>(storage.hnsw_index.full_scan_threshold_kb);
  api.max_indexing_threads = storage.hnsw_index.max_indexing_threads;
  api.indexing_threshold_kb = static_cast<uint32_t>(storage.optimizers.indexing_threshold_kb);
  api.deleted_threshold = storage.optimizers.deleted_threshold;
  api.vacuum_min_vector_number = storage.optimizers.vacuum_min_vector_number;
  api.flush_interval_sec = storage.optimizers.flush_interval_sec;
  if (storage.optimizers.default_segment_number > 0) {
    api.default_segment_number = storage.optimizers.default_segment_number;
  }
  api.worker_threads = storage.performance.max_search_threads;
  api.max_request_size_bytes = config.max_request_size_bytes();
  api.enable_snapshot_url_recovery = config.service.enable_snapshot_url_recovery;
  api.snapshot_download_connect_timeout_sec = storage.snapshot_download.connect_timeout_sec;
  api.snapshot_download_read_timeout_sec = storage.snapshot_download.read_timeout_sec;
  api.embedding_models = config.embedding.models;
  api.embedding_int8 = config.embedding.precision == "int8";
  if (config.service.slow_query_secs) api.slow_query_secs = *config.service.slow_query_secs;
  return api;
}

int run_server(const CommandLine& command_line) {
  ConfigSources sources;
  sources.environment = read_environment();
  sources.config_path = command_line.config_path;
  ConfigLoadResult loaded = load_config(sources);
  if (!loaded.config) {
    log_error("Invalid configuration: " + loaded.error);
    return 1;
  }
  Config config = std::move(*loaded.config);
  apply_command_line(command_line, &config);
  set_log_level(parse_log_level(config.log_level).value_or(LogLevel::kInfo));

  log_info("Sextant " SEXTANT_VERSION " (Qdrant API " SEXTANT_QDRANT_VERSION ") starting");
  for (const auto& note : loaded.notes) log_debug(note);
  for (const auto& warning : loaded.warnings) log_warn(warning);
  for (const auto& warning : command_line.warnings) log_warn(warning);
  for (const auto& line : describe_config(config)) log_info("config: " + line);
  if (config.service.jwt_rbac && !config.service.api_key && !config.service.alt_api_key) {
    log_warn("JWT RBAC configured but no API key set, JWT RBAC is not enabled");
  }

  std::string error;
  api::ApiConfig api_config = make_api_config(config);
  api_config.embedding_hub_cache_roots = hub_cache_roots_from(sources.environment);
  api_config.executable_path = executable_path();
  api_config.embedding_log = [](std::string_view line) { log_info(line); };
  api_config.storage_log = [](std::string_view line) { log_warn(line); };
  std::unique_ptr<api::Api> api = api::Api::open(api_config, &error);
  if (!api) {
    log_error("Cannot open storage at " + config.storage.storage_path + ": " + error);
    return 1;
  }
  log_info("Storage opened at " + config.storage.storage_path + " (snapshots in " +
           config.storage.snapshots_path + ")");
  if (!restore_startup_snapshots(config, api->storage())) {
    api->shutdown();
    return 1;
  }

  Server server(config, *api);
  api->register_routes(server.router());
  std::unique_ptr<ClusterMode> cluster_mode;
  if (config.cluster.enabled) {
    auto started = start_cluster_mode(config, *api, server.router());
    if (!started.ok()) {
      log_error("Cannot join the cluster: " + started.error().message);
      api->shutdown();
      return 1;
    }
    cluster_mode = std::move(started.value());
  }
  if (!server.start(&error)) {
    log_error(error);
    cluster_mode.reset();
    api->shutdown();
    return 1;
  }
  server.wait();
  server.drain();
  cluster_mode.reset();
  api->shutdown();
  log_info("Sextant stopped");
  return 0;
}

}  // namespace
}  // namespace sextant::server

int main(int argc, char** argv) {
  using namespace sextant::server;
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  CommandLine command_line = parse_command_line(args);
  switch (command_line.action) {
    case CommandLine::Action::kHelp:
      std::fputs(help_text().c_str(), stdout);
      return 0;
    case CommandLine::Action::kVersion:
      std::fputs(version_text().c_str(), stdout);
      return 0;
    case CommandLine::Action::kError:
      std::fprintf(stderr, "error: %s\n", command_line.error.c_str());
      return 2;
    case CommandLine::Action::kSubcommand:
      for (const auto& subcommand : kSubcommands) {
        if (command_line.subcommand == subcommand.name) {
          return subcommand.run(command_line.subcommand_args);
        }
      }
      std::fprintf(stderr, "error: unknown subcommand '%s'\n", command_line.subcommand.c_str());
      return 2;
    case CommandLine::Action::kRunServer:
      break;
  }
  sextant::keep_heap_trimmed();
  return run_server(command_line);
}
