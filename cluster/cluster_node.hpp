// This process as a node of a Sextant cluster: its connection to the NATS JetStream cluster, its
// peer id, its membership heartbeats and the metadata bucket every node watches
// (docs/distributed.md). The server opens one ClusterNode at start-up in cluster mode and closes
// it after the last request.
//
// Invariants:
//   - The connection is declared first, so it is destroyed last: every store, watch and
//     heartbeat made from it stops before it closes.
//   - node_id() is stable for the storage directory (cluster/node_identity.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/membership.hpp"
#include "cluster/metadata_store.hpp"
#include "cluster/nats_connection.hpp"
#include "common/status.hpp"

namespace sextant::cluster {

struct ClusterNodeOptions {
  std::vector<std::string> nats_urls;  // the node's own NATS server first
  std::string storage_path;            // where the node id is kept
  std::string node_url;                // this node's REST URL as peers reach it
};

class ClusterNode {
 public:
  // Connects (waiting up to a few seconds for a NATS server), opens the buckets and starts the
  // heartbeats.
  static Result<std::unique_ptr<ClusterNode>> open(const ClusterNodeOptions& options);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  uint64_t node_id() const { return node_id_; }
  const std::string& node_url() const { return node_url_; }
  NatsConnection& connection() { return *connection_; }
  MetadataStore& metadata() { return *metadata_; }
  const Membership& membership() const { return *membership_; }
  Membership& membership() { return *membership_; }
  // JetStream replicas for the buckets and streams this node creates: min(3, NATS servers).
  int stream_replicas() const { return stream_replicas_; }

 private:
  ClusterNode() = default;

  std::unique_ptr<NatsConnection> connection_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<Membership> membership_;
  uint64_t node_id_ = 0;
  std::string node_url_;
  int stream_replicas_ = 1;
};

}  // namespace sextant::cluster
