// Nearest queries: by a vector or by an existing point's vector, over the whole collection (the
// planner picks the graph or an exact scan) or, with prefetches, by rescoring their candidates
// exactly; optionally re-ranked by MMR.
//
// A by-id query never returns the point it came from. MMR differs by position, as Qdrant plans
// it: as the request's own query it takes `candidates_limit` nearest points, re-ranks them and
// then applies offset/limit; inside a prefetch a leaf is a plain nearest search for
// `candidates_limit` points, and a prefetch over prefetches re-ranks all their points (which
// keep the scores their prefetch gave them).
#pragma once

#include <vector>

#include "query/prefetch.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

// `in_prefetch`: the plan is a prefetch of another plan, not the request's own query.
Result<std::vector<storage::ScoredOffset>> execute_nearest(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const NearestQuery& nearest, const PrefetchResults& candidates, storage::ParallelPool& pool,
    bool in_prefetch);

}  // namespace sextant::query
