// The shards of a collection on this node: which shards exist, which point belongs to which,
// and views restricted to some of them.
//
// A collection is partitioned as Qdrant partitions it:
// - auto sharding (`shard_number: N`): shards 0..N-1, a point in shard route_point(id, N).
//   The route is a hash of the id (Qdrant's consistent-hash ring is not reproduced, so a point
//   may sit in another shard number than Qdrant would choose; every shard holds ~1/N).
// - custom sharding: shards exist per shard key (CreateShardKey), numbered from 1 upwards in
//   creation order as Qdrant numbers them; a key with `shards_number: k` owns k shards and its
//   points are spread over them by route_point. A point written with a key is recorded in
//   the `point_shard` table, and reads with a shard key selector see only those shards.
//
// Layout (in the collection's LMDB environment, so snapshots carry it):
//   shard_keys    u32 shard id (MDB_INTEGERKEY) -> encoded key (encode_shard_key)
//   point_shard   PointId key (17 bytes) -> u32 shard id
//   meta          "next_shard_id" -> u32, the id the next custom shard gets (1 at first)
//
// Invariants: every shard id in `point_shard` of a live point is a key of `shard_keys`
// (DeleteShardKey removes the points with their shards); the id space is the collection's,
// so a point id lives in one shard at a time: writing it with another key moves it there
// (Qdrant keeps one copy per key). A restricted view's live offsets are a subset of its base's.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

struct ShardEntry {
  uint32_t shard_id = 0;
  ShardKey key;
};

// One shard of this node as GET /collections/{c}/cluster reports it.
struct LocalShard {
  uint32_t shard_id = 0;
  std::optional<ShardKey> key;  // custom sharding only
  uint64_t points_count = 0;
};

std::string encode_shard_key(const ShardKey& key);
std::optional<ShardKey> decode_shard_key(lmdb::Bytes bytes);

// The shard (0..shard_count-1) a point id is routed to among `shard_count` shards.
uint32_t route_point(const PointId& id, uint32_t shard_count);

// Every shard of a custom-sharded collection, by shard id.
Result<std::vector<ShardEntry>> read_shard_keys(const ReadView& view);

// The shards of this node with their live points: shard_number shards for auto sharding, the
// shards of every key for custom sharding.
Result<std::vector<LocalShard>> local_shards(const ReadView& view, bool custom_sharding,
                                             uint32_t shard_number);

// A view of the same commit as `base` that sees only the points recorded in `shard_ids`.
Result<std::shared_ptr<const ReadView>> restrict_to_shards(std::shared_ptr<const ReadView> base,
                                                           const std::set<uint32_t>& shard_ids);

// The shard a point was written to (custom sharding); none when not recorded.
std::optional<uint32_t> shard_of_point(const lmdb::Txn& txn, const CollectionDbs& dbs,
                                       const PointId& id);
std::optional<uint32_t> shard_of_point(const ReadView& view, const PointId& id);

// Writer side, inside the writer's transaction.
Status record_point_shard(lmdb::Txn& txn, const CollectionDbs& dbs, const PointId& id,
                          uint32_t shard_id);
Status forget_point_shard(lmdb::Txn& txn, const CollectionDbs& dbs, lmdb::Bytes id_key);
// Creates the shards of a new key under the next free shard ids.
Status put_shard_key(lmdb::Txn& txn, const CollectionDbs& dbs, const CreateShardKey& op);
// Removes the shards from `shard_keys` and returns the ids of the points recorded in them.
Result<std::vector<PointId>> drop_shards(lmdb::Txn& txn, const CollectionDbs& dbs,
                                         const std::set<uint32_t>& shard_ids);

}  // namespace sextant::storage
