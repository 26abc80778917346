// The arguments of `sextant migrate`, parsed purely (no printing, no exiting), in the style of
// server/command_line: "--flag value" and "--flag=value" both work.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "migrate/http_client.hpp"
#include "migrate/verifier.hpp"

namespace sextant::migrate {

struct MigrateOptions {
  bool help = false;
  EndpointOptions source;
  EndpointOptions target;
  // --to-storage PATH: the target is this Sextant storage directory, written in this process
  // (target.url is then "storage:PATH").
  std::string target_storage;
  std::vector<std::string> collections;  // empty: every collection of the source
  size_t batch_size = 256;
  size_t parallel_collections = 2;
  size_t parallel_batches = 1;  // upserts in flight per collection
  std::string state_path = "sextant-migrate-state.json";
  bool verify = true;
  VerifyOptions verification;
};

// `environment(name)` returns a variable's value or "" (API keys: SEXTANT_MIGRATE_FROM_API_KEY,
// SEXTANT_MIGRATE_TO_API_KEY; a flag wins over the variable).
Result<MigrateOptions> parse_migrate_args(
    const std::vector<std::string>& args,
    const std::function<std::string(const std::string&)>& environment);

std::string migrate_help_text();

// True for grpc:// and grpcs:// URLs (an endpoint reached over Qdrant's gRPC API).
bool is_grpc_url(const std::string& url);

}  // namespace sextant::migrate
