// Translation of what a source server reports about a collection (GET /collections/{name}, its
// cluster info) into the requests that recreate it on the target: the create-collection body,
// the payload indexes with their parameters and the shard keys.
//
// Invariants:
//   - Only keys Qdrant's CreateCollection accepts are copied; `null` members (an option left at
//     its default, such as optimizer_config.max_optimization_threads) are dropped, so the target
//     applies its own default exactly as the source did.
//   - Vector parameters (named, sparse, multi, datatype, on_disk), distance, HNSW, quantization,
//     optimizer and WAL configuration, sharding method, shard number, strict mode and metadata
//     travel unchanged; nothing is derived or guessed.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::migrate {

struct PayloadIndexRequest {
  std::string field_name;
  boost::json::value field_schema;  // a type name ("keyword") or its params object
};

struct CollectionPlan {
  std::string name;
  boost::json::object create_body;                   // PUT /collections/{name}
  std::vector<PayloadIndexRequest> payload_indexes;  // PUT /collections/{name}/index
  bool custom_sharding = false;
  std::vector<boost::json::value> shard_keys;  // PUT /collections/{name}/shards, each once
};

// `info` is GET /collections/{name}'s result; `cluster` is GET /collections/{name}/cluster's
// result (read for the shard keys of a custom-sharded collection; may be null otherwise).
Result<CollectionPlan> plan_collection(const std::string& name, const boost::json::value& info,
                                       const boost::json::value& cluster);

// A copy of `value` with every null object member removed, at any depth.
boost::json::value without_nulls(const boost::json::value& value);

}  // namespace sextant::migrate
