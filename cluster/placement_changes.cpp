// See placement_changes.hpp. Error texts are Qdrant's (its collection cluster update and shard
// transfer validation).
#include "cluster/placement_changes.hpp"

#include <algorithm>
#include <string>

namespace sextant::cluster {
namespace {

bool lists(const std::vector<uint64_t>& peers, uint64_t peer) {
  return std::find(peers.begin(), peers.end(), peer) != peers.end();
}

Status check_shard(const CollectionPlacement& placement, uint32_t shard_id) {
  if (shard_id < placement.replicas.size()) return Status::ok_status();
  return Error::bad_request("Shard " + std::to_string(shard_id) + " of " + placement.name +
                            " does not exist");
}

Status check_peer(uint64_t peer, const std::set<uint64_t>& known_peers) {
  if (known_peers.contains(peer)) return Status::ok_status();
  return Error::bad_request("Peer " + std::to_string(peer) + " does not exist");
}

void erase_replica(CollectionPlacement& placement, uint32_t shard_id, uint64_t peer) {
  auto& peers = placement.replicas[shard_id];
  peers.erase(std::remove(peers.begin(), peers.end(), peer), peers.end());
}

void erase_transfers(CollectionPlacement& placement, uint32_t shard_id, uint64_t peer) {
  std::erase_if(placement.transfers, [&](const ShardTransfer& transfer) {
    return transfer.shard_id == shard_id && (transfer.from == peer || transfer.to == peer);
  });
}

}  // namespace

Result<CollectionPlacement> start_transfer(CollectionPlacement placement, uint32_t shard_id,
                                           uint64_t from, uint64_t to, bool sync,
                                           const std::set<uint64_t>& known_peers) {
  if (Status status = check_shard(placement, shard_id); !status.ok()) return status.error();
  if (Status status = check_peer(to, known_peers); !status.ok()) return status.error();
  if (Status status = check_peer(from, known_peers); !status.ok()) return status.error();
  for (const auto& transfer : placement.transfers)
    if (transfer.shard_id == shard_id)
      return Error::bad_request(
          "Shard " + std::to_string(shard_id) + " is already involved in transfer " +
          std::to_string(transfer.from) + " -> " + std::to_string(transfer.to));
  const auto& peers = placement.replicas[shard_id];
  if (!lists(peers, from))
    return Error::bad_request("Shard " + std::to_string(shard_id) +
                              " is not active or in listener mode on peer " + std::to_string(from));
  if (lists(peers, to))
    return Error::bad_request("Shard " + std::to_string(shard_id) + " is already present on peer " +
                              std::to_string(to));
  placement.replicas[shard_id].push_back(to);
  placement.transfers.push_back(ShardTransfer{shard_id, from, to, sync});
  return placement;
}

Result<CollectionPlacement> finish_transfer(CollectionPlacement placement, uint32_t shard_id,
                                            uint64_t to) {
  const ShardTransfer* transfer = incoming_transfer(placement, shard_id, to);
  if (!transfer)
    return Error::not_found("Shard " + std::to_string(shard_id) + " has no transfer to peer " +
                            std::to_string(to));
  const ShardTransfer ended = *transfer;
  std::erase_if(placement.transfers, [&](const ShardTransfer& candidate) {
    return candidate.shard_id == shard_id && candidate.to == to;
  });
  if (!ended.sync) erase_replica(placement, shard_id, ended.from);
  return placement;
}

Result<CollectionPlacement> abort_transfer(CollectionPlacement placement, uint32_t shard_id,
                                           uint64_t from, uint64_t to) {
  const ShardTransfer* transfer = incoming_transfer(placement, shard_id, to);
  if (!transfer || transfer->from != from)
    return Error::not_found("Shard transfer " + std::to_string(from) + " -> " + std::to_string(to) +
                            " for collection " + placement.name + ":" + std::to_string(shard_id) +
                            " does not exist");
  erase_transfers(placement, shard_id, to);
  erase_replica(placement, shard_id, to);
  return placement;
}

Result<CollectionPlacement> drop_replica(CollectionPlacement placement, uint32_t shard_id,
                                         uint64_t peer, const std::set<uint64_t>& known_peers) {
  if (Status status = check_shard(placement, shard_id); !status.ok()) return status.error();
  if (Status status = check_peer(peer, known_peers); !status.ok()) return status.error();
  const auto& peers = placement.replicas[shard_id];
  if (lists(peers, peer) && active_replicas(placement, shard_id) == std::vector<uint64_t>{peer})
    return Error::bad_request("Shard " + std::to_string(shard_id) + " of " + placement.name +
                              " would have no active replica left on peer " + std::to_string(peer) +
                              "'s removal");
  erase_transfers(placement, shard_id, peer);
  erase_replica(placement, shard_id, peer);
  return placement;
}

CollectionPlacement remove_peer(CollectionPlacement placement, uint64_t peer) {
  for (uint32_t shard_id = 0; shard_id < placement.replicas.size(); ++shard_id) {
    erase_transfers(placement, shard_id, peer);
    erase_replica(placement, shard_id, peer);
  }
  return placement;
}

bool holds_shards(const CollectionPlacement& placement, uint64_t peer) {
  return std::any_of(placement.replicas.begin(), placement.replicas.end(),
                     [&](const std::vector<uint64_t>& peers) { return lists(peers, peer); });
}

}  // namespace sextant::cluster
