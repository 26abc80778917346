// The snapshot directory on disk: where snapshot files live, how they are named and described,
// and the checks that keep every name and location inside `snapshots_path`.
//
// Layout (as Qdrant's): collection snapshots in `<snapshots_path>/<collection>/`, full-storage
// snapshots in `<snapshots_path>/`, each `X.snapshot` with its sha256 in `X.snapshot.checksum`.
// Work in progress lives in `<snapshots_path>/.tmp/` and is never listed.
//
// Invariant: every path returned by resolve_* is canonical (no symlink, no `..`) and lies
// inside the directory it was resolved against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "storage/snapshot/snapshot_tar.hpp"

namespace sextant::storage::snapshot {

struct SnapshotDescription {
  std::string name;
  std::string creation_time;  // "YYYY-MM-DDTHH:MM:SS", UTC
  uint64_t size_bytes = 0;
  std::optional<std::string> checksum;  // lower-case hex sha256
};

// Hashes everything it is fed with sha256.
class Sha256Sink : public ByteSink {
 public:
  Sha256Sink();
  ~Sha256Sink() override;
  void consume(const char* data, size_t size) override;
  std::string hex_digest();  // finishes the hash; call once

 private:
  void* context_;
};

Result<std::string> sha256_file(const std::string& path);
bool checksums_equal(const std::string& a, const std::string& b);  // case-insensitive hex

// "2024-05-01-12-30-59": the time part of Qdrant's snapshot names.
std::string snapshot_name_timestamp();
// A random peer id, made once per snapshots directory and kept in `.peer_id`.
uint64_t snapshot_peer_id(const std::string& snapshots_path);

// Creates `directory` (and parents) if missing.
Status ensure_directory(const std::string& directory);

// Describes `directory/name` (size, mtime, checksum file if any).
Result<SnapshotDescription> describe_snapshot(const std::string& directory,
                                              const std::string& name);
// All `*.snapshot` files in `directory`, sorted by name; a missing directory lists nothing.
std::vector<SnapshotDescription> list_snapshots(const std::string& directory);

// Resolves snapshot `name` in `directory` to an existing regular file, or Qdrant's
// "Not found: Snapshot <name>" for anything missing or outside the directory.
Result<std::string> resolve_snapshot_file(const std::string& directory, const std::string& name);
// Resolves a local path named by a recover request; it must exist and lie inside
// `allowed_directory` (403 otherwise, as Qdrant).
Result<std::string> resolve_recover_path(const std::string& path,
                                         const std::string& allowed_directory);

// Writes `snapshot_path`.checksum holding `hex`.
Status write_checksum_file(const std::string& snapshot_path, const std::string& hex);
// Removes a snapshot and its checksum file.
Status remove_snapshot_files(const std::string& snapshot_path);

// The name an uploaded snapshot is kept under: the last path component of the client's file
// name (a form field's `filename`); none when nothing usable is left.
std::optional<std::string> uploaded_snapshot_name(const std::optional<std::string>& filename);
// Moves the finished file `file_path` (whose sha256 is `sha256`) into `directory` as `name`,
// with its checksum file beside it.
Status keep_snapshot_file(const std::string& file_path, const std::string& sha256,
                          const std::string& directory, const std::string& name);

// Drops the scratch work (`<snapshots_path>/.tmp`) an interrupted snapshot, recovery or upload
// left behind: it is never resumed. Call once at start-up, before any snapshot work begins.
void discard_unfinished_snapshot_work(const std::string& snapshots_path);

// A fresh private directory under `<snapshots_path>/.tmp`, removed with everything in it when
// this object dies.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> create(const std::string& snapshots_path);
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory();
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace sextant::storage::snapshot
