// The shard routes of one node (Qdrant's cluster_api for a collection):
//   PUT  /collections/{name}/shards          create a shard key (custom sharding)
//   GET  /collections/{name}/shards          list the shard keys
//   POST /collections/{name}/shards/delete   drop a shard key with its points
//   GET  /collections/{name}/cluster         the local shards with their point counts
// A single node holds every shard itself: no remote shards, no transfers, every replica Active;
// `replication_factor` is accepted and `placement` may name this node only.
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_shard_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
