// See cluster_mode.hpp: opens the ClusterNode and wraps the routes cluster mode answers
// differently.
#include "server/cluster/cluster_mode.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "api/envelope.hpp"
#include "cluster/cluster_node.hpp"
#include "server/cluster/cluster_operation_routes.hpp"
#include "server/cluster/cluster_status_route.hpp"
#include "server/cluster/collection_routes.hpp"
#include "server/cluster/point_read_routes.hpp"
#include "server/cluster/point_write_routes.hpp"
#include "server/log.hpp"

namespace sextant::server {
namespace {

// cluster.advertise_url, or http://<service.host, or the host name when the node listens on
// every address>:<http_port>.
std::string node_url(const Config& config) {
  if (config.cluster.advertise_url) return *config.cluster.advertise_url;
  std::string host = config.service.host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    char name[256] = {};
    host = gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
  }
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(config.service.http_port);
}

// Owns the node and what runs on it; the collections (their watch and applier) stop before the
// node's connection closes.
class RunningClusterMode final : public ClusterMode {
 public:
  explicit RunningClusterMode(std::unique_ptr<cluster::ClusterNode> node)
      : node_(std::move(node)) {}
  ~RunningClusterMode() override {
    operations_.reset();
    collections_.reset();
    reads_.reset();
    writes_.reset();
    applied_.reset();
    node_.reset();
  }

  Status start(const Config& config, api::Router& router) {
    auto applied = cluster::AppliedSequences::open(node_->connection(), node_->stream_replicas());
    for (int attempt = 1; attempt < 60 && !applied.ok(); ++attempt) {  // as ClusterNode::open
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      applied = cluster::AppliedSequences::open(node_->connection(), node_->stream_replicas());
    }
    if (!applied.ok()) return applied.error();
    applied_ = std::move(applied.value());
    auto writes = ClusterPointWrites::wrap(*node_, *applied_, router);
    if (!writes.ok()) return writes.error();
    writes_ = std::move(writes.value());
    auto reads = ClusterPointReads::wrap(*node_, router);
    if (!reads.ok()) return reads.error();
    reads_ = std::move(reads.value());
    ClusterPointWrites* writes_ptr = writes_.get();
    auto collections = ClusterCollections::start(
        *node_, *applied_, config.storage.storage_path,
        [writes_ptr](const std::string& collection, std::string_view operation) {
          return writes_ptr->apply(collection, operation);
        },
        router);
    if (!collections.ok()) return collections.error();
    collections_ = std::move(collections.value());
    auto operations = ClusterOperationRoutes::wrap(*node_, collections_->catalog(), router);
    if (!operations.ok()) return operations.error();
    operations_ = std::move(operations.value());
    writes_->set_catalog(&collections_->catalog());
    reads_->set_catalog(&collections_->catalog());
    cluster::ClusterNode* node = node_.get();
    const ClusterCollections* watched = collections_.get();
    router.wrap(api::HttpMethod::kGet, "/cluster", [node, watched](api::Handler standalone) {
      return [node, watched, standalone](api::Request& request) {
        api::Response refused = standalone(request);  // keeps its access checks
        if (refused.status != 200) return refused;
        return api::ok_response(cluster_status(*node, watched->catalog().applied_revision()),
                                api::Clock::now());
      };
    });
    return Status::ok_status();
  }

 private:
  std::unique_ptr<cluster::ClusterNode> node_;
  std::unique_ptr<cluster::AppliedSequences> applied_;
  std::unique_ptr<ClusterPointWrites> writes_;
  std::unique_ptr<ClusterPointReads> reads_;
  std::unique_ptr<ClusterCollections> collections_;
  std::unique_ptr<ClusterOperationRoutes> operations_;
};

}  // namespace

Result<std::unique_ptr<ClusterMode>> start_cluster_mode(const Config& config, api::Api&,
                                                        api::Router& router) {
  cluster::ClusterNodeOptions options;
  options.nats_urls = config.cluster.nats_urls;
  options.storage_path = config.storage.storage_path;
  options.node_url = node_url(config);
  auto node = cluster::ClusterNode::open(options);
  if (!node.ok()) return node.error();
  log_info("Cluster mode: peer " + std::to_string(node.value()->node_id()) + " at " +
           options.node_url + ", NATS at " + config.cluster.nats_urls.front());
  auto mode = std::make_unique<RunningClusterMode>(std::move(node.value()));
  if (Status started = mode->start(config, router); !started.ok()) return started.error();
  return std::unique_ptr<ClusterMode>(std::move(mode));
}

}  // namespace sextant::server
