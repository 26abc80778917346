// Snapshot restores at start-up, before the server serves (Qdrant's command-line flags):
//   --snapshot PATH:COLLECTION   restores one collection from a collection snapshot;
//   --storage-snapshot PATH      restores every collection and alias of a full-storage
//                                snapshot (one made by POST /snapshots).
// --storage-snapshot, when given, replaces every --snapshot. With either, a collection (or
// alias) that already exists is an error unless --force-snapshot is given, in which case it is
// replaced. PATH is any readable local file: the operator chose it, so it is not confined to the
// snapshots directory. The archive rules themselves are storage/snapshot/'s.
#pragma once

#include <string>

#include "server/config.hpp"
#include "storage/storage.hpp"

namespace sextant::server {

// Each returns an empty string on success, else the reason (for the start-up log).
std::string restore_collection_snapshot(storage::Storage& storage,
                                        const std::string& snapshots_path, const std::string& path,
                                        const std::string& collection, bool force);
std::string restore_full_storage_snapshot(storage::Storage& storage,
                                          const std::string& snapshots_path,
                                          const std::string& path, bool force);

// Runs the restores `config` asks for, logging each and why one failed; false on the first
// failure (the server must not start).
bool restore_startup_snapshots(const Config& config, storage::Storage& storage);

}  // namespace sextant::server
