// The cluster and quota routes as a standalone (non-distributed) Qdrant node answers them:
//   GET  /cluster                          {"status": "disabled"}
//   POST /cluster/recover                  405 "Qdrant is running in standalone mode"
//   POST /collections/{c}/cluster          405 the same for a cluster operation (400 for a body
//                                          that names none)
//   DELETE /cluster/peer/{peer_id}         405 the same (404 plain text for a non-u64 id,
//                                          422 for timeout=0)
//   GET/PUT/DELETE /cluster/metadata/keys[/{key}]   405 the same
//   GET  /cluster/telemetry                500 "Service internal error: Could not get telemetry
//                                          from cluster" (no peers to ask)
//   GET  /quotas                           {config, usage}: the quota config last PUT and the
//                                          node's resident memory and disk usage in percent
//   PUT  /quotas                           stores the quota config (kept in memory; Sextant
//                                          reports it but does not enforce it)
// Every route but /cluster/telemetry needs global access (403 for a JWT scoped to
// collections); the changing ones need manage access, as Qdrant's checks.
//
// QuotaState is shared by the handlers and /telemetry's `quota` section; it outlives both.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <mutex>

#include "api/router.hpp"
#include "server/config.hpp"

namespace sextant::server {

// The quota config as Qdrant's QuotaConfig: `enabled` and the optional percentage limits.
class QuotaState {
 public:
  boost::json::object config() const;
  void set_config(boost::json::object config);

 private:
  mutable std::mutex mutex_;
  boost::json::object config_{{"enabled", false}};
};

// Resident memory of this process and disk usage of the storage path's filesystem, in percent
// (integers 0..100, as Qdrant's QuotaUsage).
boost::json::object quota_usage(const Config& config);

void register_cluster_routes(const Config& config, std::shared_ptr<QuotaState> quotas,
                             api::Router& router);

}  // namespace sextant::server
