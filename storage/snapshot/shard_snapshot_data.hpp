// A shard's points in snapshots: narrowing an exported copy of a collection to one shard when a
// shard snapshot is made (snapshot_archive.hpp's create_shard_snapshot), and writing a shard
// snapshot's points back into that shard of the live collection when it is recovered.
//
// Narrowing: the copy is opened as a collection of its own, every point outside the shard is
// deleted, and the copy is closed cleanly before it is archived. The live collection is never
// touched.
//
// Recovering (Qdrant's PUT .../shards/{id}/snapshots/recover and POST .../snapshots/upload on a
// single node): the shard's current points are deleted and every point of the snapshot is
// written into it; the other shards keep their points. What a recovered point becomes:
// - custom sharding: it is recorded in the recovered shard, so it keeps that shard's key (a
//   point of the same id in another key's shard moves here: the collection has one id space);
// - auto sharding: every point of the snapshot is written, as Qdrant restores a shard's data
//   without routing it again. A point whose id routes to another shard (a snapshot of a
//   collection with another shard_number) is therefore kept and served, but as the id space is
//   one, it replaces the point of that id in the shard its id routes to, and counts there,
//   where Qdrant would hold both copies in two shards.
// The points are written in batches through the collection's update queue, so readers may see
// the shard part-way restored while the recovery runs; payload indexes and graphs follow the
// writes as for any upsert. The snapshot's payload index schemas and configuration are not
// applied: a shard has those of its collection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"
#include "storage/storage.hpp"

namespace sextant::storage::snapshot {

// Shard `shard_id` of a collection sharded as `custom_sharding` / `shard_number` says
// (storage/shards.hpp).
struct ShardOfCollection {
  bool custom_sharding = false;
  uint32_t shard_number = 1;
  uint32_t shard_id = 0;
};

Status keep_only_shard(const std::string& data_directory, const CollectionSchema& schema,
                       const ShardOfCollection& shard);

// Replaces the points of `shard` of `collection` with those of the collection snapshot at
// `archive_path` (a local file the caller has already confined). The archive is checked as a
// collection recovery checks it (checksum when `expected_checksum` is given, free space,
// structure, vector parameters) before any point changes.
Status recover_shard(Storage& storage, const std::string& snapshots_path,
                     const std::string& archive_path, const std::string& collection,
                     const ShardOfCollection& shard,
                     const std::optional<std::string>& expected_checksum);

}  // namespace sextant::storage::snapshot
