// See cluster_node.hpp.
#include "cluster/cluster_node.hpp"

#include <chrono>
#include <thread>

#include "cluster/node_identity.hpp"

namespace sextant::cluster {
namespace {

// The NATS servers of a cluster that is starting may answer a little after this node does, and
// JetStream refuses to place a replicated bucket ("no suitable peers for placement") until its
// meta group has formed: start-up retries every step for up to 30 s.
constexpr int kConnectAttempts = 60;
constexpr auto kConnectRetryWait = std::chrono::milliseconds(500);

template <typename Open>
auto with_retries(Open open) -> decltype(open()) {
  auto result = open();
  for (int attempt = 1; attempt < kConnectAttempts && !result.ok(); ++attempt) {
    std::this_thread::sleep_for(kConnectRetryWait);
    result = open();
  }
  return result;
}

}  // namespace

Result<std::unique_ptr<ClusterNode>> ClusterNode::open(const ClusterNodeOptions& options) {
  auto node_id = load_or_create_node_id(options.storage_path);
  if (!node_id.ok()) return node_id.error();
  std::unique_ptr<ClusterNode> node(new ClusterNode());
  node->node_id_ = node_id.value();
  node->node_url_ = options.node_url;
  node->stream_replicas_ = replicas_for_cluster_size(static_cast<int>(options.nats_urls.size()));

  ConnectionOptions connection_options;
  connection_options.server_urls = options.nats_urls;
  connection_options.client_name = "sextant-" + std::to_string(node->node_id_);
  auto connection = with_retries([&] { return NatsConnection::connect(connection_options); });
  if (!connection.ok()) return connection.error();
  node->connection_ = std::move(connection.value());

  MetadataStoreOptions metadata_options;
  metadata_options.replicas = node->stream_replicas_;
  auto metadata =
      with_retries([&] { return MetadataStore::open(*node->connection_, metadata_options); });
  if (!metadata.ok()) return metadata.error();
  node->metadata_ = std::move(metadata.value());

  MembershipOptions membership_options;
  membership_options.node_id = node->node_id_;
  membership_options.node_url = node->node_url_;
  membership_options.replicas = node->stream_replicas_;
  auto membership =
      with_retries([&] { return Membership::start(*node->connection_, membership_options); });
  if (!membership.ok()) return membership.error();
  node->membership_ = std::move(membership.value());
  return node;
}

ClusterNode::~ClusterNode() {
  membership_.reset();
  metadata_.reset();
  connection_.reset();
}

}  // namespace sextant::cluster
