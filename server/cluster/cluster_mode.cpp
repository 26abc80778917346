// See cluster_mode.hpp: opens the ClusterNode and wraps the routes cluster mode answers
// differently.
#include "server/cluster/cluster_mode.hpp"

#include <unistd.h>

#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "cluster/cluster_node.hpp"
#include "server/cluster/cluster_status_route.hpp"
#include "server/cluster/collection_routes.hpp"
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
    collections_.reset();
    node_.reset();
  }

  Status start(api::Router& router) {
    auto collections = ClusterCollections::start(*node_, router);
    if (!collections.ok()) return collections.error();
    collections_ = std::move(collections.value());
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
  std::unique_ptr<ClusterCollections> collections_;
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
  if (Status started = mode->start(router); !started.ok()) return started.error();
  return std::unique_ptr<ClusterMode>(std::move(mode));
}

}  // namespace sextant::server
