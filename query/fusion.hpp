// Fusion of prefetch results: Reciprocal Rank Fusion (each list adds 1 / (k + rank + 1) to a
// point's score) and Distribution-Based Score Fusion (each list normalised by mean +- 3 sigma,
// clamped to [0, 1], then summed). Results are ordered by fused score descending, ties in first-
// seen order; `offset` is skipped, scores at or below `score_threshold` dropped, `limit` kept.
#pragma once

#include <vector>

#include "query/prefetch.hpp"
#include "query/query_plan.hpp"

namespace sextant::query {

std::vector<storage::ScoredOffset> fuse_rrf(const QueryPlan& plan, const RrfQuery& rrf,
                                            const PrefetchResults& lists);
std::vector<storage::ScoredOffset> fuse_dbsf(const QueryPlan& plan, const PrefetchResults& lists);

}  // namespace sextant::query
