// Writes that select points by filter in cluster mode (delete, set / overwrite / delete / clear
// payload, delete vectors with a `filter` and no `points`). Which points a filter selects depends
// on the state of the shards, so the receiving node cannot split such a write by id: it publishes
// the operation to every shard's log, marked with the shard it is for (filter_shard_member()),
// and each shard's applier resolves the filter when it applies the operation: on its local
// collection, keeping only the ids that route to that shard (storage::route_point, the route the
// id-selected writes take), then applying the same write by those ids.
//
// Why this is deterministic: every replica of shard k has the same shard-k state at a position
// of log k, and a filter's conditions look at one point at a time, so every replica selects the
// same ids. Points of other shards in the local collection are skipped: their own logs order
// their writes.
//
// Invariants: resolve_filter_to_ids() only reads (through the local scroll handler); a filter
// that selects no point of the shard gives an empty id list, which the caller applies as nothing.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "api/router.hpp"
#include "common/status.hpp"

namespace sextant::server {

// The member of a published operation that marks it as filter-selected:
// {"filter_shard": {"shard_id": k, "shard_number": n}}.
inline constexpr const char* kFilterShardMember = "filter_shard";

// True when `body` selects its points by `filter` (a filter, and no `points` or a null one).
bool selects_by_filter(const boost::json::object& body);

// filter_shard member for shard `shard_id` of `shard_number`.
boost::json::object filter_shard_member(uint32_t shard_id, uint32_t shard_number);

// Checks that `filter` is one the local collection accepts (a one-point scroll of it), so a
// malformed filter is answered before anything is published.
Status check_filter(const api::Handler& local_scroll, const std::string& collection,
                    const boost::json::value& filter);

// The ids of the points of `collection` on this node matching `filter` that route to shard
// `shard_id` of `shard_number`, in id order (read by pages of the local scroll).
Result<boost::json::array> resolve_filter_to_ids(const api::Handler& local_scroll,
                                                 const std::string& collection,
                                                 const boost::json::value& filter,
                                                 uint32_t shard_id, uint32_t shard_number);

// `body` with its filter replaced by the list of point ids `ids`.
boost::json::object by_ids(const boost::json::object& body, boost::json::array ids);

}  // namespace sextant::server
