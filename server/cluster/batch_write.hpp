// Batch updates (POST /collections/{c}/points/batch) in cluster mode. A batch is a list of
// update operations (upsert, delete, set / overwrite / delete / clear payload, update / delete
// vectors), each selecting its points by id or (all but upsert and update vectors) by filter.
//
// Publishing: the receiving node turns the batch into ONE operation per shard log, holding for
// each of the batch's operations, in order, its part for that shard: an operation by id
// restricted to the shard's ids (point_write_split.hpp; absent when none route there), an
// operation by filter whole (every shard gets it). A shard no operation reaches gets nothing.
//
// Applying: a replica of shard k applies its part in order in one go: the operations by id run
// as one local batch (one storage update); before an operation by filter, what precedes it is
// applied, then its filter is resolved on the local collection to the ids of shard k
// (filter_write.hpp), so it sees the batch's earlier operations as one node would; it then joins
// the next local batch by those ids (or is dropped when it selects none).
//
// Invariants: split_batch_by_shard() refuses a body it cannot split (the texts one node's parser
// answers) and an operation naming a `shard_key`, and calls `check_filter` on every filter
// before returning; apply_batch() only calls standalone handlers.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "api/router.hpp"
#include "common/status.hpp"

namespace sextant::server {

// Shard id -> {"operations": [...]}: the batch's parts for that shard, in the batch's order.
Result<std::map<uint32_t, boost::json::object>> split_batch_by_shard(
    const boost::json::object& body, uint32_t shard_number,
    const std::function<Status(const boost::json::value& filter)>& check_filter);

// Applies the part `body` of a batch for shard `shard_id` of `shard_number` to the local
// `collection` through the standalone batch handler, resolving filters as described above.
Status apply_batch(const api::Handler& standalone_batch, const api::Handler& local_scroll,
                   const std::string& collection, const boost::json::object& body,
                   uint32_t shard_id, uint32_t shard_number);

// True when `body` names a shard key (a `shard_key` that is not null).
bool names_shard_key(const boost::json::object& body);

}  // namespace sextant::server
