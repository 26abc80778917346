// The point read routes in cluster mode (docs/distributed.md, "Reads"): search, query, scroll,
// count and retrieve through any node. The receiving node picks a set of live nodes that
// together host every shard (itself first, then as few peers as cover the rest), asks each for
// its local answer (itself directly; peers over REST with kLocalReadHeader), and merges:
//   search / query   every answer's points, one copy per id, ordered as each node ordered
//                    them (score, best first), then offset and limit applied;
//   scroll           one copy per id, by id, `limit` of them, next_page_offset the smallest id
//                    beyond them (among the rest and the nodes' own next offsets);
//   count            the distinct ids of a scroll of the filter over the same nodes;
//   retrieve         one copy per id, in the order the ids were asked.
// A node's local collection holds all of its hosted shards, so nodes of the set overlap: merging
// by id is what keeps each point once (replicas of a shard hold the same points once their
// appliers caught up). `consistency` picks how many replicas per shard are read
// (read_resolve.hpp).
//
// Threads: a read that asks peers waits for them, so it must not hold one of the server's
// workers, or two nodes whose workers all wait for each other's local reads deadlock (as a
// 2-node cluster under 2 concurrent searches per node did). Reads run on pools of their own:
// gathering reads on `gathering_` (they may wait), local reads (kLocalReadHeader) on
// `local_reads_` (they never wait on another node, so they always finish and the gathering
// ones with them).
//
// Invariants: a request carrying kLocalReadHeader, or for a collection the cluster does not
// hold, is answered by the standalone handler alone.
#pragma once

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "api/router.hpp"
#include "cluster/cluster_node.hpp"
#include "cluster/collection_catalog.hpp"
#include "common/status.hpp"

namespace sextant::server {

class ClusterPointReads {
 public:
  static Result<std::unique_ptr<ClusterPointReads>> wrap(cluster::ClusterNode& node,
                                                         api::Router& router);
  void set_catalog(const cluster::CollectionCatalog* catalog) { catalog_ = catalog; }

 private:
  explicit ClusterPointReads(cluster::ClusterNode& node) : node_(node) {}
  api::Response read(const std::string& route, api::Request& request);
  // The route's async form: the read goes to the pool its kind runs on.
  void read_later(const std::string& route, api::Request& request, api::Reply reply);

  cluster::ClusterNode& node_;
  const cluster::CollectionCatalog* catalog_ = nullptr;
  std::map<std::string, api::Handler> standalone_;  // by route name ("search", ...)
  boost::asio::thread_pool local_reads_{std::max(2u, std::thread::hardware_concurrency())};
  boost::asio::thread_pool gathering_{16};  // last: joined first, while the handlers exist
};

}  // namespace sextant::server
