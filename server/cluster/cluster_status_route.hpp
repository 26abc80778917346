// GET /cluster in cluster mode, shaped as Qdrant's ClusterStatus "enabled" variant: this node's
// peer id, the live peers with their REST URIs, and a raft_info / consensus_thread_status that
// describe the metadata log Sextant uses in place of Raft (docs/distributed.md):
//   - leader: the live peer with the lowest id (a deterministic choice every node agrees on once
//     membership settled; Sextant needs no leader, JetStream elects its own), role Leader on that
//     node and Follower elsewhere;
//   - commit: the last metadata revision this node has seen; term 0; pending_operations 0;
//   - consensus_thread_status "working" with the time of the last membership heartbeat.
#pragma once

#include <boost/json/object.hpp>

#include "cluster/cluster_node.hpp"

namespace sextant::server {

boost::json::object cluster_status(const cluster::ClusterNode& node, uint64_t metadata_revision);

}  // namespace sextant::server
