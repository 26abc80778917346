// Splits a point write request's body into one body per shard, by the shard each point id
// routes to (storage::route_point): the `points` list (of points for an upsert or a vector update,
// of ids for the other writes) or the columns of an upsert's `batch`; every other member (an
// `update_filter` included: it looks at one point at a time) is copied into each
// shard's body. A body that selects points by filter cannot be split by id: it goes to every
// shard instead (filter_write.hpp), and here it is a format error (no `points` list).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>

#include "common/status.hpp"

namespace sextant::server {

// What a body's `points` list holds.
enum class PointList {
  kIds,            // point ids (delete, payload writes, delete vectors)
  kPoints,         // objects with an `id` (update vectors)
  kPointsOrBatch,  // objects with an `id`, or the columns of a `batch` (upsert)
};

// Shard id -> the body of the request restricted to the points of that shard (shards with no
// point are absent).
Result<std::map<uint32_t, boost::json::object>> split_by_shard(const boost::json::object& body,
                                                               PointList list,
                                                               uint32_t shard_number);

}  // namespace sextant::server
