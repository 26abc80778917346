// Narrowing an exported copy of a collection to one shard, for shard snapshots
// (snapshot_archive.hpp's create_shard_snapshot): the copy is opened as a collection of its own,
// every point outside the shard is deleted, and the copy is closed cleanly before it is archived.
// The live collection is never touched.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"

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

}  // namespace sextant::storage::snapshot
