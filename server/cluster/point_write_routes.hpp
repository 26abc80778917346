// The point write routes in cluster mode (docs/distributed.md, "Writes"): upsert, delete,
// set / overwrite / delete / clear payload, update vectors and delete vectors through any node. The
// node that receives the request splits its points by shard (storage::route_point, the route one
// node uses), publishes one operation per shard to the shard's log with an operation id (a publish
// that timed out is tried again with the same id, so it is stored once), and answers
//   wait=false  once JetStream acknowledged every shard's operation ("acknowledged");
//   wait=true   once every live replica of every shard (and at least write_consistency_factor
//               of them) applied it ("completed"), as Qdrant waits for its active replicas.
// The operation_id answered is the highest stream sequence of the request's operations.
// A write that selects its points by filter is published to every shard's log and resolved to
// ids by each shard's applier (filter_write.hpp). A batch (POST points/batch) is one operation
// per shard holding its operations' parts for that shard (batch_write.hpp); it answers one
// UpdateResult per operation. A write naming a `shard_key`, or to a collection with custom
// sharding, is refused (400): cluster placement routes by id only.
//
// A write waits (for JetStream's acks, then for the replicas) on a pool of its own, not on the
// server's workers (one per core): the routes' async form hands the request to that pool, so
// reads keep being served while writes wait.
//
// Every node's appliers call apply() with the operations of the shards it hosts; apply() runs
// them through the standalone handlers captured here (the storage write path of one node).
//
// Not built yet: shard keys (custom sharding).
//
// Invariants: apply() never publishes (it calls only standalone handlers); set_catalog() is
// called before the server starts taking requests.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "api/router.hpp"
#include "cluster/applied_sequences.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/collection_catalog.hpp"
#include "cluster/shard_log.hpp"
#include "common/status.hpp"

namespace sextant::server {

class ClusterPointWrites {
 public:
  // Captures the standalone write handlers and wraps the routes.
  static Result<std::unique_ptr<ClusterPointWrites>> wrap(cluster::ClusterNode& node,
                                                          cluster::AppliedSequences& applied,
                                                          api::Router& router);
  void set_catalog(const cluster::CollectionCatalog* catalog) { catalog_ = catalog; }

  // Applies one published operation to the local collection `collection`.
  Status apply(const std::string& collection, std::string_view operation);

 private:
  ClusterPointWrites(cluster::ClusterNode& node, cluster::AppliedSequences& applied)
      : node_(node), applied_(applied) {}
  api::Response write(const std::string& route, api::Request& request);
  // Shard id -> the operation to publish to its log for a write of `route` with `body`.
  Result<std::map<uint32_t, boost::json::object>> operations_to_publish(
      const std::string& route, const boost::json::object& body, const std::string& collection,
      uint32_t shard_number);
  // write() on the waiting pool, for a request that outlives the session's copy of it.
  void write_later(const std::string& route, api::Request& request, api::Reply reply);
  Result<cluster::PublishAck> publish(const std::string& log_name, uint32_t shard_id,
                                      const std::string& operation,
                                      const std::string& operation_id);

  cluster::ClusterNode& node_;
  cluster::AppliedSequences& applied_;
  const cluster::CollectionCatalog* catalog_ = nullptr;
  std::map<std::string, api::Handler> standalone_;  // by route name ("upsert", ...)
  api::Handler local_scroll_;  // the standalone scroll: resolves filters on this node
  std::mutex logs_mutex_;
  // Shared: a publish in flight keeps its log alive while another thread drops it from the map.
  std::map<std::pair<std::string, uint32_t>, std::shared_ptr<cluster::ShardLog>> logs_;
  // Declared last: destroyed (joined) first, while what its writes use is still there.
  boost::asio::thread_pool waiting_writes_{16};
};

}  // namespace sextant::server
