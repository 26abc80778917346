// Where a collection's shards live: the collection's configuration (the body that created it,
// with shard_number made explicit so every node routes points alike) and its shard map, shard ->
// the peers that materialise it. One entry per collection in the metadata bucket, under
// `collections.<name token>`; created once (create-if-absent) and deleted with the collection.
//
// Invariants:
//   - replicas.size() == shard_number; each shard lists min(replication_factor, live nodes at
//     creation) distinct peers.
//   - place_shards() is a pure function of its input: the same live nodes give the same map.
//   - `generation` (the revision the entry was created at) never changes while the collection
//     lives: its logs are named after it, so a placement update (a replica added or dropped)
//     renames nothing. Entries written before it was stored carry none; the revision they were
//     read at is their creation revision then (such entries were never updated).
//   - Every transfer's target is listed in its shard's replicas; at most one transfer per shard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace sextant::cluster {

// A replica being filled (docs/distributed.md, "Cluster operations"): `to` replays the shard's
// log from its start and is a replica that reads and waits skip until it has applied the log up
// to the log's last sequence when its applier started; then the target ends the transfer (an
// update of the entry). `sync` false: a move, `from` leaves the shard when the transfer ends.
struct ShardTransfer {
  uint32_t shard_id = 0;
  uint64_t from = 0;
  uint64_t to = 0;
  bool sync = true;
};

struct CollectionPlacement {
  std::string name;
  std::string config_json;  // the create-collection body, shard_number set
  uint32_t shard_number = 1;
  uint32_t replication_factor = 1;
  uint32_t write_consistency_factor = 1;
  std::vector<std::vector<uint64_t>> replicas;  // by shard id
  std::vector<ShardTransfer> transfers;
  uint64_t generation = 0;  // the entry's creation revision (0: not stored, see invariants)
  uint64_t revision = 0;    // of the metadata entry (set when read from the bucket, not stored)
};

// The transfer filling `peer`'s replica of `shard_id`, if any.
const ShardTransfer* incoming_transfer(const CollectionPlacement& placement, uint32_t shard_id,
                                       uint64_t peer);
// The replicas of `shard_id` that reads and waits count: every listed peer but transfer targets.
std::vector<uint64_t> active_replicas(const CollectionPlacement& placement, uint32_t shard_id);

// The name the shard logs, consumers and applied sequences of this incarnation of the
// collection go by: the name and the placement's generation (its creation revision; the
// revision when no generation is stored), so a collection deleted and created again never reads
// the old one's operations, and a placement update keeps the logs.
std::string log_name(const CollectionPlacement& placement);

// Spreads shard_number x replication_factor replicas over `live_nodes` (sorted here): shard i on
// the nodes i, i+1, ... modulo the node count, so every node gets an even share.
std::vector<std::vector<uint64_t>> place_shards(uint32_t shard_number, uint32_t replication_factor,
                                                std::vector<uint64_t> live_nodes);

// The metadata key of a collection.
std::string collection_key(const std::string& name);
// The prefix that matches every collection's key (for a watch).
inline constexpr std::string_view kCollectionKeyPattern = "collections.*";

std::string encode_placement(const CollectionPlacement& placement);
Result<CollectionPlacement> decode_placement(std::string_view text);

// The shards of `placement` that `node_id` hosts.
std::vector<uint32_t> hosted_shards(const CollectionPlacement& placement, uint64_t node_id);

}  // namespace sextant::cluster
