// Resolution order is deliberate: an existing directory always wins, so a local copy shadows a
// cached one with the same name.
#include "embed/model_locator.hpp"

#include <filesystem>
#include <fstream>

namespace sextant::embed {
namespace fs = std::filesystem;
namespace {

bool has_config(const fs::path& dir) {
  std::error_code error;
  return fs::is_regular_file(dir / "config.json", error);
}

// Picks the snapshot of one cached repository directory (models--ORG--NAME).
Result<std::string> snapshot_of(const fs::path& repo_dir) {
  std::error_code error;
  fs::path snapshots = repo_dir / "snapshots";
  std::ifstream ref(repo_dir / "refs" / "main");
  std::string revision;
  if (ref && std::getline(ref, revision) && !revision.empty() && has_config(snapshots / revision)) {
    return (snapshots / revision).string();
  }
  fs::path newest;
  fs::file_time_type newest_time{};
  for (fs::directory_iterator it(snapshots, error), end; !error && it != end; it.increment(error)) {
    if (!has_config(it->path())) continue;
    auto time = fs::last_write_time(it->path(), error);
    if (newest.empty() || time > newest_time) {
      newest = it->path();
      newest_time = time;
    }
  }
  if (newest.empty()) {
    return Error{ErrorKind::kNotFound, "no snapshot with config.json under " + snapshots.string()};
  }
  return newest.string();
}

}  // namespace

Result<std::string> locate_model_directory(const std::string& location,
                                           const std::vector<std::string>& hub_cache_roots) {
  std::error_code error;
  fs::path path(location);
  if (fs::is_directory(path, error)) {
    if (has_config(path)) return path.string();
    if (fs::is_directory(path / "snapshots", error)) return snapshot_of(path);
    return Error{ErrorKind::kNotFound, "model directory " + location + " has no config.json"};
  }
  // A repository id ORG/NAME (or a bare NAME) maps to the cache folder models--ORG--NAME.
  std::string cache_name = "models--";
  for (char c : location) {
    if (c == '/') {
      cache_name += "--";
    } else {
      cache_name += c;
    }
  }
  for (const auto& root : hub_cache_roots) {
    fs::path repo_dir = fs::path(root) / cache_name;
    if (fs::is_directory(repo_dir / "snapshots", error)) return snapshot_of(repo_dir);
  }
  std::string searched;
  for (const auto& root : hub_cache_roots) searched += (searched.empty() ? "" : ", ") + root;
  return Error{ErrorKind::kNotFound,
               "model " + location + " is neither a directory nor in the Hugging Face cache" +
                   (searched.empty() ? std::string() : " (searched " + searched + ")")};
}

std::vector<std::string> hub_cache_roots(const std::string& hf_hub_cache,
                                         const std::string& hf_home, const std::string& home) {
  if (!hf_hub_cache.empty()) return {hf_hub_cache};
  if (!hf_home.empty()) return {(fs::path(hf_home) / "hub").string()};
  if (!home.empty()) return {(fs::path(home) / ".cache" / "huggingface" / "hub").string()};
  return {};
}

}  // namespace sextant::embed
