// Recovery from a file:// or http(s):// location; see snapshot_location.hpp.
#include "storage/snapshot/snapshot_location.hpp"

#include <cctype>
#include <filesystem>
#include <string_view>

#include "storage/snapshot/snapshot_archive.hpp"
#include "storage/snapshot/snapshot_download.hpp"
#include "storage/snapshot/snapshot_files.hpp"

namespace sextant::storage::snapshot {
namespace {

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// file:///abs/path or file://localhost/abs/path -> "/abs/path".
Result<std::string> local_path_of(const std::string& location) {
  std::string_view rest = std::string_view(location).substr(7);
  if (rest.rfind("localhost/", 0) == 0) rest.remove_prefix(9);
  if (rest.empty() || rest.front() != '/')
    return Error::bad_request("Invalid snapshot URI, file path must be absolute or on localhost");
  std::string path = percent_decode(rest);
  if (path.find('\0') != std::string::npos)
    return Error::bad_request("Invalid snapshot URI, file path must be absolute or on localhost");
  return path;
}

}  // namespace

bool is_http_location(const std::string& location) {
  return location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0;
}

Status with_downloaded_snapshot(const std::string& snapshots_path, const std::string& url,
                                const std::string& api_key,
                                const DownloadTimeouts& download_timeouts,
                                const std::function<Status(const std::string&)>& recover) {
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) return scratch.error();
  const std::string downloaded =
      (std::filesystem::path(scratch->path()) / "download.snapshot").string();
  if (auto st = download_snapshot(url, downloaded, api_key, download_timeouts); !st.ok()) return st;
  return recover(downloaded);
}

Status recover_collection_from_location(Storage& storage, const std::string& snapshots_path,
                                        const std::string& location, const std::string& collection,
                                        const std::optional<std::string>& expected_checksum,
                                        const std::string& api_key,
                                        const DownloadTimeouts& download_timeouts) {
  if (location.rfind("file://", 0) == 0) {
    auto path = local_path_of(location);
    if (!path.ok()) return path.error();
    auto confined = resolve_recover_path(path.value(), snapshots_path);
    if (!confined.ok()) return confined.error();
    return recover_collection(storage, snapshots_path, confined.value(), collection,
                              expected_checksum);
  }
  if (is_http_location(location))
    return with_downloaded_snapshot(snapshots_path, location, api_key, download_timeouts,
                                    [&](const std::string& downloaded) {
                                      return recover_collection(storage, snapshots_path, downloaded,
                                                                collection, expected_checksum);
                                    });
  return Error::bad_request("Unsupported snapshot URL scheme in " + location +
                            " (use file://, http:// or https://)");
}

}  // namespace sextant::storage::snapshot
