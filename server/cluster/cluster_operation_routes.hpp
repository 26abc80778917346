// Qdrant's cluster-management routes in cluster mode (docs/distributed.md, "Cluster operations"):
//   POST   /collections/{c}/cluster  replicate_shard, move_shard, drop_replica, abort_transfer:
//                                    the placement change (cluster/placement_changes.hpp) is
//                                    written to the metadata bucket (compare-and-set), then the
//                                    answer waits until this node's catalog applied it; the
//                                    nodes' catalogs start and stop their appliers accordingly
//   DELETE /cluster/peer/{peer_id}   refused while the peer holds replicas, unless force=true:
//                                    then its replicas leave every placement; its membership key
//                                    is removed
// The standalone handlers answer first (their checks of path, query and body shape); their
// "standalone mode" refusal is what lets a request through. Other ClusterOperations (shard
// keys, resharding, replicate_points, restart_transfer) keep that refusal.
//
// Invariants: every change goes through update_placement (no write without compare-and-set).
#pragma once

#include <memory>

#include "api/router.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/collection_catalog.hpp"
#include "common/status.hpp"

namespace sextant::server {

class ClusterOperationRoutes {
 public:
  static Result<std::unique_ptr<ClusterOperationRoutes>> wrap(
      cluster::ClusterNode& node, const cluster::CollectionCatalog& catalog, api::Router& router);

 private:
  ClusterOperationRoutes(cluster::ClusterNode& node, const cluster::CollectionCatalog& catalog)
      : node_(node), catalog_(catalog) {}
  api::Response update_cluster(api::Request& request);
  api::Response remove_peer(api::Request& request);

  cluster::ClusterNode& node_;
  const cluster::CollectionCatalog& catalog_;
  api::Handler standalone_update_;
  api::Handler standalone_remove_peer_;
};

}  // namespace sextant::server
