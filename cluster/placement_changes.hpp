// The changes Qdrant's cluster operations make to a collection's placement (docs/distributed.md,
// "Cluster operations"), as pure functions: each takes the placement as the metadata bucket holds
// it and returns the placement to write back (compare-and-set on its revision), or Qdrant's error
// for an operation that does not apply.
//
//   start_transfer   replicate_shard (sync) / move_shard: `to` joins the shard's replicas with a
//                    transfer from `from`; the shard must exist, both peers be known, `from` hold
//                    an active replica, `to` none, and the shard be in no other transfer
//   finish_transfer  the target caught up: the transfer ends; a move drops `from`'s replica
//   abort_transfer   the transfer ends and its target leaves the shard
//   drop_replica     `peer` leaves the shard (with any transfer it is part of)
//   remove_peer      `peer` leaves every shard (DELETE /cluster/peer/{id}?force=true)
//
// Invariants: the result keeps the shard map's invariants (collection_placement.hpp): every
// transfer's target is a listed replica, at most one transfer per shard.
#pragma once

#include <cstdint>
#include <set>

#include "cluster/collection_placement.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

Result<CollectionPlacement> start_transfer(CollectionPlacement placement, uint32_t shard_id,
                                           uint64_t from, uint64_t to, bool sync,
                                           const std::set<uint64_t>& known_peers);
Result<CollectionPlacement> finish_transfer(CollectionPlacement placement, uint32_t shard_id,
                                            uint64_t to);
Result<CollectionPlacement> abort_transfer(CollectionPlacement placement, uint32_t shard_id,
                                           uint64_t from, uint64_t to);
Result<CollectionPlacement> drop_replica(CollectionPlacement placement, uint32_t shard_id,
                                         uint64_t peer, const std::set<uint64_t>& known_peers);
CollectionPlacement remove_peer(CollectionPlacement placement, uint64_t peer);

// Whether `peer` holds a replica of any shard of `placement`.
bool holds_shards(const CollectionPlacement& placement, uint64_t peer);

}  // namespace sextant::cluster
