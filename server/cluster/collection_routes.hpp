// The collection routes in cluster mode (docs/distributed.md, "Placement"):
//   PUT    /collections/{c}          writes the collection's placement to the metadata bucket
//                                    (create-if-absent: of two nodes creating one name, one
//                                    wins and the other answers Qdrant's "already exists"), then
//                                    waits until this node's catalog applied it and answers with
//                                    the local creation's outcome (an invalid body removes the
//                                    placement again and answers the local error)
//   DELETE /collections/{c}          removes the placement; every node drops its collection
//   GET    /collections/{c}/cluster  local shards (the ones this node hosts) and remote shards
//                                    (the other replicas, Dead when their peer is not live)
// Every node creates each collection locally with all its shards (so a point routes to the
// same shard everywhere) and materialises only the shards the placement gives it: one
// ShardApplier per hosted shard, started with the local collection and stopped before it is
// dropped. The node that deleted a collection also deletes its shard logs.
// A placement update (docs/distributed.md, "Cluster operations") is followed here: a shard
// gained starts an applier from the log's start; when it is a transfer's target, a thread of
// this class ends the transfer (placement_changes.hpp finish_transfer) once the applier reached
// the log's last sequence of the time it started. A shard lost stops its applier, forgets its
// stored and announced sequence and deletes the shard's points from the local collection.
//
// Invariants: the catalog's applier calls the standalone handlers captured here, never the
// wrapped ones (no loop back into the metadata bucket).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/router.hpp"
#include "cluster/applied_sequences.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/collection_catalog.hpp"
#include "cluster/shard_applier.hpp"
#include "common/status.hpp"

namespace sextant::server {

class ClusterCollections {
 public:
  // Captures the standalone handlers, starts the catalog (which creates the local collections
  // of the cluster's placements) and wraps the routes.
  // `apply` applies one operation of a hosted shard's log to the local collection.
  using ApplyFn = std::function<Status(const std::string& collection, std::string_view operation)>;
  static Result<std::unique_ptr<ClusterCollections>> start(cluster::ClusterNode& node,
                                                           cluster::AppliedSequences& applied,
                                                           std::string storage_path, ApplyFn apply,
                                                           api::Router& router);
  ~ClusterCollections();

  const cluster::CollectionCatalog& catalog() const { return *catalog_; }

 private:
  ClusterCollections(cluster::ClusterNode& node, cluster::AppliedSequences& applied,
                     std::string storage_path, ApplyFn apply)
      : node_(node),
        applied_(applied),
        storage_path_(std::move(storage_path)),
        apply_(std::move(apply)) {}
  // Starts and stops appliers so this node applies exactly the shards `placement` gives it.
  void follow_placement(const cluster::CollectionPlacement& placement);
  void stop_appliers(const std::string& name);
  void remove_shard_data(const std::string& name, uint32_t shard_id, uint32_t shard_number);
  void transfer_loop();
  Status create_locally(const cluster::CollectionPlacement& placement);
  Status drop_locally(const std::string& name);
  api::Response create(api::Request& request);
  api::Response remove(api::Request& request);
  api::Response cluster_info(api::Request& request);

  cluster::ClusterNode& node_;
  cluster::AppliedSequences& applied_;
  std::string storage_path_;
  ApplyFn apply_;
  struct HostedShards {
    std::string log;  // the incarnation's log name
    std::map<uint32_t, std::unique_ptr<cluster::ShardApplier>> appliers;
    // Shards this node receives by a transfer: the log's last sequence when the applier started.
    std::map<uint32_t, uint64_t> catching_up;
  };
  std::mutex appliers_mutex_;
  std::condition_variable stop_transfers_;
  bool stopping_ = false;
  std::map<std::string, HostedShards> appliers_;  // by collection
  std::thread transfer_thread_;
  api::Handler local_scroll_;  // answers from the local collection with kLocalReadHeader
  api::Handler standalone_create_;
  api::Handler standalone_delete_;
  api::Handler standalone_cluster_info_;
  std::unique_ptr<cluster::CollectionCatalog> catalog_;
};

}  // namespace sextant::server
