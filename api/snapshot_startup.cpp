// Start-up snapshot restores; see snapshot_startup.hpp.
#include "api/snapshot_startup.hpp"

#include <filesystem>

#include "api/handler_support.hpp"
#include "api/snapshot_archive.hpp"

namespace sextant::api {
namespace {

std::string missing_file_reason(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return {};
  return "Snapshot file " + path + " does not exist";
}

}  // namespace

std::string restore_snapshot_at_startup(ApiContext& context, const std::string& path,
                                        const std::string& collection, bool force) {
  if (auto st = validate_collection_name_param(collection); !st.ok()) return st.error().message;
  if (!force && context.storage.resolve(collection))
    return "Collection " + collection + " already exists. Use --force-snapshot to overwrite it.";
  if (auto reason = missing_file_reason(path); !reason.empty()) return reason;
  auto st = recover_collection(context.storage, context.config.snapshots_path, path, collection,
                               std::nullopt);
  return st.ok() ? std::string() : st.error().message;
}

std::string restore_storage_snapshot_at_startup(ApiContext& context, const std::string& path,
                                                bool force) {
  if (auto reason = missing_file_reason(path); !reason.empty()) return reason;
  auto st = recover_full_snapshot(context.storage, context.config.snapshots_path, path, force);
  return st.ok() ? std::string() : st.error().message;
}

}  // namespace sextant::api
