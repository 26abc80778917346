// Cluster mode in the server (cluster.enabled: true; docs/distributed.md): joins the NATS
// JetStream cluster as a node (cluster/cluster_node.hpp) and puts cluster handling in front of
// the routes that differ from a standalone node's (GET /cluster, ...). Everything the cluster
// decides lives in cluster/; the files of server/cluster/ only turn it into Qdrant's answers.
//
// Built only with the NATS C client; without it start_cluster_mode() says so
// (server/cluster_mode_unbuilt.cpp).
//
// Invariants: call start_cluster_mode() after every route is registered and before the server
// starts; destroy the ClusterMode after the server drained and before the Api shuts down.
#pragma once

#include <memory>

#include "api/api.hpp"
#include "api/router.hpp"
#include "common/status.hpp"
#include "server/config.hpp"

namespace sextant::server {

class ClusterMode {
 public:
  virtual ~ClusterMode() = default;
};

Result<std::unique_ptr<ClusterMode>> start_cluster_mode(const Config& config, api::Api& api,
                                                        api::Router& router);

}  // namespace sextant::server
