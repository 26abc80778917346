// See collection_placement.hpp. The stored form is JSON:
//   {"name": ..., "config": "<create body>", "shard_number": N, "replication_factor": R,
//    "write_consistency_factor": W, "replicas": [[peer, ...], ...], "generation": G,
//    "transfers": [{"shard_id", "from", "to", "sync"}, ...]}
// (`generation` and `transfers` absent in entries never updated.)
#include "cluster/collection_placement.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/shard_log_names.hpp"

namespace sextant::cluster {

std::vector<std::vector<uint64_t>> place_shards(uint32_t shard_number, uint32_t replication_factor,
                                                std::vector<uint64_t> live_nodes) {
  std::sort(live_nodes.begin(), live_nodes.end());
  live_nodes.erase(std::unique(live_nodes.begin(), live_nodes.end()), live_nodes.end());
  std::vector<std::vector<uint64_t>> replicas(shard_number);
  if (live_nodes.empty()) return replicas;
  const size_t per_shard =
      std::min<size_t>(std::max<uint32_t>(replication_factor, 1), live_nodes.size());
  for (uint32_t shard = 0; shard < shard_number; ++shard)
    for (size_t copy = 0; copy < per_shard; ++copy)
      replicas[shard].push_back(live_nodes[(shard + copy) % live_nodes.size()]);
  return replicas;
}

std::string log_name(const CollectionPlacement& placement) {
  return placement.name + "~" +
         std::to_string(placement.generation != 0 ? placement.generation : placement.revision);
}

const ShardTransfer* incoming_transfer(const CollectionPlacement& placement, uint32_t shard_id,
                                       uint64_t peer) {
  for (const auto& transfer : placement.transfers)
    if (transfer.shard_id == shard_id && transfer.to == peer) return &transfer;
  return nullptr;
}

std::vector<uint64_t> active_replicas(const CollectionPlacement& placement, uint32_t shard_id) {
  std::vector<uint64_t> active;
  if (shard_id >= placement.replicas.size()) return active;
  for (uint64_t peer : placement.replicas[shard_id])
    if (!incoming_transfer(placement, shard_id, peer)) active.push_back(peer);
  return active;
}

std::string collection_key(const std::string& name) {
  return "collections." + encode_name_token(name);
}

std::string encode_placement(const CollectionPlacement& placement) {
  boost::json::array replicas;
  for (const auto& shard : placement.replicas) {
    boost::json::array peers;
    for (uint64_t peer : shard) peers.push_back(peer);
    replicas.push_back(std::move(peers));
  }
  boost::json::object stored{{"name", placement.name},
                             {"config", placement.config_json},
                             {"shard_number", placement.shard_number},
                             {"replication_factor", placement.replication_factor},
                             {"write_consistency_factor", placement.write_consistency_factor},
                             {"replicas", std::move(replicas)}};
  if (placement.generation != 0) stored["generation"] = placement.generation;
  if (!placement.transfers.empty()) {
    boost::json::array transfers;
    for (const auto& transfer : placement.transfers)
      transfers.push_back(boost::json::object{{"shard_id", transfer.shard_id},
                                              {"from", transfer.from},
                                              {"to", transfer.to},
                                              {"sync", transfer.sync}});
    stored["transfers"] = std::move(transfers);
  }
  return boost::json::serialize(stored);
}

Result<CollectionPlacement> decode_placement(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  const auto damaged = [&] {
    return Error::internal("a collection's placement in the metadata bucket is damaged: " +
                           std::string(text.substr(0, 200)));
  };
  if (ec || !parsed.is_object()) return damaged();
  const auto& object = parsed.get_object();
  CollectionPlacement placement;
  try {
    placement.name = std::string(object.at("name").as_string());
    placement.config_json = std::string(object.at("config").as_string());
    placement.shard_number = boost::json::value_to<uint32_t>(object.at("shard_number"));
    placement.replication_factor = boost::json::value_to<uint32_t>(object.at("replication_factor"));
    placement.write_consistency_factor =
        boost::json::value_to<uint32_t>(object.at("write_consistency_factor"));
    for (const auto& shard : object.at("replicas").as_array()) {
      std::vector<uint64_t> peers;
      for (const auto& peer : shard.as_array()) peers.push_back(peer.to_number<uint64_t>());
      placement.replicas.push_back(std::move(peers));
    }
    if (auto* generation = object.if_contains("generation"))
      placement.generation = generation->to_number<uint64_t>();
    if (auto* transfers = object.if_contains("transfers"))
      for (const auto& item : transfers->as_array()) {
        const auto& transfer = item.as_object();
        placement.transfers.push_back(
            ShardTransfer{boost::json::value_to<uint32_t>(transfer.at("shard_id")),
                          transfer.at("from").to_number<uint64_t>(),
                          transfer.at("to").to_number<uint64_t>(), transfer.at("sync").as_bool()});
      }
  } catch (const std::exception&) {
    return damaged();
  }
  if (placement.replicas.size() != placement.shard_number) return damaged();
  return placement;
}

std::vector<uint32_t> hosted_shards(const CollectionPlacement& placement, uint64_t node_id) {
  std::vector<uint32_t> shards;
  for (uint32_t shard = 0; shard < placement.replicas.size(); ++shard) {
    const auto& peers = placement.replicas[shard];
    if (std::find(peers.begin(), peers.end(), node_id) != peers.end()) shards.push_back(shard);
  }
  return shards;
}

}  // namespace sextant::cluster
