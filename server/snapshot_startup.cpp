// Start-up snapshot restores; see snapshot_startup.hpp.
#include "server/snapshot_startup.hpp"

#include <filesystem>

#include "api/handler_support.hpp"
#include "server/log.hpp"
#include "storage/snapshot/snapshot_archive.hpp"

namespace sextant::server {
namespace {

std::string missing_file_reason(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return {};
  return "Snapshot file " + path + " does not exist";
}

}  // namespace

std::string restore_collection_snapshot(storage::Storage& storage,
                                        const std::string& snapshots_path, const std::string& path,
                                        const std::string& collection, bool force) {
  if (auto st = api::validate_collection_name_param(collection); !st.ok())
    return st.error().message;
  if (!force && storage.resolve(collection))
    return "Collection " + collection + " already exists. Use --force-snapshot to overwrite it.";
  if (auto reason = missing_file_reason(path); !reason.empty()) return reason;
  auto st = storage::snapshot::recover_collection(storage, snapshots_path, path, collection,
                                                  std::nullopt);
  return st.ok() ? std::string() : st.error().message;
}

std::string restore_full_storage_snapshot(storage::Storage& storage,
                                          const std::string& snapshots_path,
                                          const std::string& path, bool force) {
  if (auto reason = missing_file_reason(path); !reason.empty()) return reason;
  auto st = storage::snapshot::recover_full_snapshot(storage, snapshots_path, path, force);
  return st.ok() ? std::string() : st.error().message;
}

bool restore_startup_snapshots(const Config& config, storage::Storage& storage) {
  const std::string& snapshots_path = config.storage.snapshots_path;
  if (config.storage_snapshot) {
    log_info("Recovering full storage snapshot from " + *config.storage_snapshot);
    std::string error = restore_full_storage_snapshot(
        storage, snapshots_path, *config.storage_snapshot, config.force_snapshot);
    if (error.empty()) return true;
    log_error("Failed to recover storage snapshot " + *config.storage_snapshot + ": " + error);
    return false;
  }
  for (const auto& snapshot : config.snapshots) {
    log_info("Recovering snapshot " + snapshot.collection + " from " + snapshot.path);
    std::string error = restore_collection_snapshot(storage, snapshots_path, snapshot.path,
                                                    snapshot.collection, config.force_snapshot);
    if (!error.empty()) {
      log_error("Failed to recover snapshot " + snapshot.collection + ": " + error);
      return false;
    }
  }
  return true;
}

}  // namespace sextant::server
