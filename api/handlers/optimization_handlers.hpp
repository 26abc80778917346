// GET /collections/{collection_name}/optimizations: Qdrant's OptimizationsResponse, filled from
// the collection's indexing thread (storage::IndexingStatus).
//
// Sextant keeps a collection's points in one LMDB segment, so every optimization names that
// segment (a UUID derived from the collection's name, stable across restarts). Each HNSW
// catch-up of one vector is an optimization of the "indexing" optimizer: running while the
// thread builds it, queued while the vector is due (over the indexing threshold, graph behind
// the points) and not yet reached, completed once built (the newest 16 are kept). The segment
// is idle when nothing runs or waits.
//   ?with=queued,completed,idle_segments  adds those lists (Qdrant's names; another word: 400)
//   ?completed_limit=N                    caps `completed` (default 16)
#pragma once

#include "api/api_context.hpp"
#include "api/router.hpp"

namespace sextant::api {

void register_optimization_routes(Router& router, ApiContext& context);

}  // namespace sextant::api
