// The per-collection entries of /telemetry's `collections.collections`, by details level, in
// the shapes Qdrant 1.19 uses:
//   1   {vectors, optimizers_status, params}                      (aggregated)
//   2   {id, init_time_ms, config, storage}
//   3+  level 2 plus {shards, transfers, resharding}: the one local shard with its point and
//       vector counts, the indexing thread's runs as `optimizations`, the update queue
// `storage` is Sextant's own (LMDB map size, data bytes, map growths, environment reopens);
// Qdrant has no such key. Sextant opens collections at start-up, so init_time_ms is 0.
#pragma once

#include <boost/json/array.hpp>

#include "storage/storage.hpp"

namespace sextant::api {

boost::json::array collections_telemetry(storage::Storage& storage, int details_level);

}  // namespace sextant::api
