// Snapshot directory layout, naming, hashing and path confinement; see snapshot_files.hpp.
#include "storage/snapshot/snapshot_files.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

namespace sextant::storage::snapshot {
namespace fs = std::filesystem;

namespace {

// Work in progress (scratch directories) lives here, never listed nor resolvable by name.
constexpr const char* kScratchDirectoryName = ".tmp";

std::string format_utc(std::time_t seconds, const char* pattern) {
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, pattern, &parts);
  return text;
}

// True when `path` (canonical) equals or lies below `root` (canonical).
bool is_inside(const fs::path& path, const fs::path& root) {
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

std::string read_small_file(const fs::path& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

}  // namespace

Sha256Sink::Sha256Sink() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
}

Sha256Sink::~Sha256Sink() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256Sink::consume(const char* data, size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data, size);
}

std::string Sha256Sink::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

Result<std::string> sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::internal("cannot read " + path);
  Sha256Sink sink;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sink.consume(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Error::internal("cannot read " + path);
  return sink.hex_digest();
}

bool checksums_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string snapshot_name_timestamp() {
  return format_utc(std::time(nullptr), "%Y-%m-%d-%H-%M-%S");
}

uint64_t snapshot_peer_id(const std::string& snapshots_path) {
  const fs::path file = fs::path(snapshots_path) / ".peer_id";
  std::string stored = read_small_file(file);
  if (!stored.empty() && stored.size() <= 20 &&
      std::all_of(stored.begin(), stored.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::stoull(stored);
  uint64_t id = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id);
  id &= (1ull << 53) - 1;  // stays exact in JSON numbers, as Qdrant's peer ids do
  if (ensure_directory(snapshots_path).ok()) std::ofstream(file) << id << "\n";
  return id;
}

Status ensure_directory(const std::string& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return Error::internal("cannot create directory " + directory + ": " + ec.message());
  return {};
}

Result<SnapshotDescription> describe_snapshot(const std::string& directory,
                                              const std::string& name) {
  const fs::path path = fs::path(directory) / name;
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return Error::not_found("Snapshot " + name);
  SnapshotDescription description;
  description.name = name;
  description.creation_time = format_utc(info.st_mtime, "%Y-%m-%dT%H:%M:%S");
  description.size_bytes = static_cast<uint64_t>(info.st_size);
  std::string checksum = read_small_file(path.string() + ".checksum");
  if (!checksum.empty()) description.checksum = checksum;
  return description;
}

std::vector<SnapshotDescription> list_snapshots(const std::string& directory) {
  std::vector<SnapshotDescription> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".snapshot") continue;
    auto description = describe_snapshot(directory, name);
    if (description.ok()) found.push_back(std::move(description.value()));
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return found;
}

Result<std::string> resolve_snapshot_file(const std::string& directory, const std::string& name) {
  auto not_found = Error::not_found("Snapshot " + name);
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos || name.find('\0') != std::string::npos ||
      name.front() == '.')
    return not_found;
  std::error_code ec;
  const fs::path root = fs::canonical(directory, ec);
  if (ec) return not_found;
  const fs::path candidate = root / name;
  struct stat info {};
  if (::lstat(candidate.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return not_found;
  const fs::path resolved = fs::canonical(candidate, ec);
  if (ec || !is_inside(resolved, root)) return not_found;
  return resolved.string();
}

Result<std::string> resolve_recover_path(const std::string& path,
                                         const std::string& allowed_directory) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return Error::bad_request("Snapshot file \"" + path + "\" does not exist");
  const fs::path resolved = fs::canonical(path, ec);
  if (ec) return Error::bad_request("Failed to resolve snapshot path \"" + path + "\"");
  if (auto st = ensure_directory(allowed_directory); !st.ok()) return st.error();
  const fs::path root = fs::canonical(allowed_directory, ec);
  if (ec) return Error::internal("Failed to resolve snapshots directory " + allowed_directory);
  if (!is_inside(resolved, root) || resolved == root)
    return Error{ErrorKind::kForbidden,
                 "Forbidden: Snapshot file path must be inside the snapshots directory \"" +
                     root.string() + "\""};
  if (!fs::is_regular_file(resolved, ec))
    return Error::bad_request("Snapshot file \"" + path + "\" is not a regular file");
  return resolved.string();
}

Status write_checksum_file(const std::string& snapshot_path, const std::string& hex) {
  const std::string path = snapshot_path + ".checksum";
  std::ofstream out(path, std::ios::trunc);
  out << hex;
  out.flush();
  if (!out) return Error::internal("cannot write " + path);
  return {};
}

Status remove_snapshot_files(const std::string& snapshot_path) {
  std::error_code ec;
  fs::remove(snapshot_path, ec);
  if (ec) return Error::internal("cannot delete " + snapshot_path + ": " + ec.message());
  fs::remove(snapshot_path + ".checksum", ec);
  return {};
}

std::optional<std::string> uploaded_snapshot_name(const std::optional<std::string>& filename) {
  if (!filename) return std::nullopt;
  std::string name = filename->substr(filename->find_last_of('/') + 1);
  if (name.empty() || name == "." || name == ".." || name.find('\0') != std::string::npos)
    return std::nullopt;
  return name;
}

Status keep_snapshot_file(const std::string& file_path, const std::string& sha256,
                          const std::string& directory, const std::string& name) {
  if (auto st = ensure_directory(directory); !st.ok()) return st;
  const std::string kept = (fs::path(directory) / name).string();
  std::error_code ec;
  fs::rename(file_path, kept, ec);
  if (ec) return Error::internal("cannot keep uploaded snapshot as " + kept + ": " + ec.message());
  return write_checksum_file(kept, sha256);
}

void discard_unfinished_snapshot_work(const std::string& snapshots_path) {
  std::error_code ignored;
  fs::remove_all(fs::path(snapshots_path) / kScratchDirectoryName, ignored);
}

Result<ScratchDirectory> ScratchDirectory::create(const std::string& snapshots_path) {
  const fs::path parent = fs::path(snapshots_path) / kScratchDirectoryName;
  if (auto st = ensure_directory(parent.string()); !st.ok()) return st.error();
  uint64_t random = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&random), sizeof random);
  const fs::path path = parent / ("work-" + std::to_string(random));
  std::error_code ec;
  if (!fs::create_directory(path, ec) || ec)
    return Error::internal("cannot create scratch directory " + path.string());
  return ScratchDirectory(path.string());
}

ScratchDirectory::~ScratchDirectory() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace sextant::storage::snapshot
