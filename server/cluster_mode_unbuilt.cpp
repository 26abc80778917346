// Cluster mode in a build without the NATS C client (libnats-dev): refused at start-up.
#include "server/cluster/cluster_mode.hpp"

namespace sextant::server {

Result<std::unique_ptr<ClusterMode>> start_cluster_mode(const Config&, api::Api&, api::Router&) {
  return Error::internal(
      "cluster.enabled: this build of Sextant has no cluster mode (it was built without the NATS "
      "C client, libnats-dev)");
}

}  // namespace sextant::server
