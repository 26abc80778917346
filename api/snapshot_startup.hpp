// Snapshot restores at start-up, before the server serves (Qdrant's command-line flags):
//   --snapshot PATH:COLLECTION   restores one collection from a collection snapshot;
//   --storage-snapshot PATH      restores every collection and alias of a full-storage
//                                snapshot (one made by POST /snapshots).
// With either, a collection (or alias) that already exists is an error unless
// --force-snapshot is given, in which case it is replaced. PATH is any readable local file:
// the operator chose it, so it is not confined to the snapshots directory.
#pragma once

#include <string>

#include "api/api_context.hpp"

namespace sextant::api {

// Each returns an empty string on success, else the reason (for the start-up log).
std::string restore_snapshot_at_startup(ApiContext& context, const std::string& path,
                                        const std::string& collection, bool force);
std::string restore_storage_snapshot_at_startup(ApiContext& context, const std::string& path,
                                                bool force);

}  // namespace sextant::api
