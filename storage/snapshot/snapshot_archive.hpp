// Making and restoring snapshot archives: the business rules of snapshots, free of HTTP.
//
// A collection snapshot is a ustar archive (snapshot_tar.hpp) with exactly two members:
//   manifest.json  {"format": "sextant-snapshot", "format_version": 1, "kind": "collection",
//                   "collection": name, "config": <reported config>, "sextant_version": ...}
//   data.mdb       the collection's LMDB data, copied in one read transaction (writes go on)
// Points, vectors, payloads, payload indexes and the HNSW graph all live in data.mdb, so
// recovering it reproduces the collection exactly.
// A full-storage snapshot holds a manifest of kind "full" listing every collection and alias,
// and each collection's data as `collections/<n>/data.mdb`.
//
// Invariants: a snapshot file appears under its final name only when complete and synced
// (written as `.partial` then renamed), with its `.checksum` beside it; recovery verifies the
// checksum, the archive structure and the manifest before the storage catalog is touched, and
// storage keeps the old collection if the new data cannot be opened.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "storage/snapshot/snapshot_files.hpp"
#include "storage/storage.hpp"

namespace sextant::storage::snapshot {

constexpr int kSnapshotFormatVersion = 1;

// Directory of `collection`'s snapshots.
std::string collection_snapshots_directory(const std::string& snapshots_path,
                                           const std::string& collection);

Result<SnapshotDescription> create_collection_snapshot(Storage& storage,
                                                       const std::string& snapshots_path,
                                                       const std::string& collection);
// A shard snapshot (Qdrant's `/collections/{c}/shards/{id}/snapshots`): a collection snapshot
// whose data holds only the points of one shard, its manifest naming the shard (`shard_id`),
// kept in `<snapshots_path>/<collection>/shards/<id>/` as `<collection>-shard-<id>-<time>`.
// `keep_only_shard` removes every other point from the exported copy in the directory it is
// given (storage/snapshot/shard_snapshot_data.hpp), before the copy is archived.
using ShardDataFilter = std::function<Status(const std::string& data_directory)>;
std::string shard_snapshots_directory(const std::string& snapshots_path,
                                      const std::string& collection, uint32_t shard_id);
Result<SnapshotDescription> create_shard_snapshot(Storage& storage,
                                                  const std::string& snapshots_path,
                                                  const std::string& collection, uint32_t shard_id,
                                                  const ShardDataFilter& keep_only_shard);

Result<SnapshotDescription> create_full_snapshot(Storage& storage,
                                                 const std::string& snapshots_path);

// A collection snapshot extracted into a scratch directory (its data.mdb, removed with it) and
// checked: checksum (when expected), free space, archive structure, manifest, and vector
// parameters against `collection` when it exists.
struct UnpackedCollectionSnapshot {
  ScratchDirectory scratch;
  std::string config_json;  // the manifest's collection config
};
Result<UnpackedCollectionSnapshot> unpack_collection_snapshot(
    Storage& storage, const std::string& snapshots_path, const std::string& archive_path,
    const std::string& collection, const std::optional<std::string>& expected_checksum);

// Replaces (or creates) `collection` with the snapshot at `archive_path` (a local file the
// caller has already confined). `expected_checksum`, when given, must match its sha256.
Status recover_collection(Storage& storage, const std::string& snapshots_path,
                          const std::string& archive_path, const std::string& collection,
                          const std::optional<std::string>& expected_checksum);

// Restores every collection and alias of the full-storage snapshot at `archive_path`, as
// Qdrant's --storage-snapshot does: collections and aliases the snapshot does not name stay as
// they are; one it names that already exists is an error unless `force`, in which case it is
// replaced. Without `force`, nothing is changed when any of them exists.
Status recover_full_snapshot(Storage& storage, const std::string& snapshots_path,
                             const std::string& archive_path, bool force);

}  // namespace sextant::storage::snapshot
