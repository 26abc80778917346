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
//
// Invariants: the catalog's applier calls the standalone handlers captured here, never the
// wrapped ones (no loop back into the metadata bucket).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
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
  void start_appliers(const cluster::CollectionPlacement& placement);
  void stop_appliers(const std::string& name);
  Status create_locally(const cluster::CollectionPlacement& placement);
  Status drop_locally(const std::string& name);
  api::Response create(api::Request& request);
  api::Response remove(api::Request& request);
  api::Response cluster_info(api::Request& request);

  cluster::ClusterNode& node_;
  cluster::AppliedSequences& applied_;
  std::string storage_path_;
  ApplyFn apply_;
  std::mutex appliers_mutex_;
  // By collection: the incarnation's log name and an applier per hosted shard.
  std::map<std::string, std::pair<std::string, std::vector<std::unique_ptr<cluster::ShardApplier>>>>
      appliers_;
  api::Handler standalone_create_;
  api::Handler standalone_delete_;
  api::Handler standalone_cluster_info_;
  std::unique_ptr<cluster::CollectionCatalog> catalog_;
};

}  // namespace sextant::server
