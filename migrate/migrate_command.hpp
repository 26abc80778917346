// `sextant migrate`: the whole run, from the arguments to the exit status.
//
//   1. list the source's collections (or --collections) and plan each one;
//   2. set each up at the target (collection, payload indexes, shard keys), unless the state
//      file says it already was; a collection that exists at the target but is unknown to the
//      state file is refused, so a migration never writes into data it did not create;
//   3. copy the points, --parallel collections at a time, each resuming from its cursor;
//   4. copy the aliases of the selected collections;
//   5. verify each collection and print the summary on stdout.
// With --to-storage the target is a storage directory opened through `open_storage` (the
// server's own request pipeline in this process), and a grpc(s):// end through `open_grpc`
// (Qdrant's gRPC API), so every step above is the same.
// Errors go to stderr. Exit status: 0 copied and verified, 1 failure or mismatch, 2 usage.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "migrate/http_client.hpp"
#include "migrate/transport.hpp"

namespace sextant::migrate {

// Opens a storage directory as a migration target; fails when it cannot be used (another
// process holds it, it is not Sextant's).
using StorageTargetOpener =
    std::function<Result<std::shared_ptr<LocalTarget>>(const std::string& storage_path)>;

// Opens a grpc:// or grpcs:// endpoint (its URL, API key, CA file, timeout and retries);
// fails on a malformed URL.
using GrpcEndpointOpener =
    std::function<Result<std::shared_ptr<LocalTarget>>(const EndpointOptions& endpoint)>;

int run_migrate(const std::vector<std::string>& args,
                const std::function<std::string(const std::string&)>& environment,
                const StorageTargetOpener& open_storage = {},
                const GrpcEndpointOpener& open_grpc = {});

}  // namespace sextant::migrate
