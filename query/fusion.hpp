// Fusion of prefetch results, as Qdrant 1.19 fuses them:
// - Reciprocal Rank Fusion: the point at position p (from 0) of list i adds
//   1 / ((p + 1) / weight_i + k - 1); with weight 1 that is 1 / (p + k). A weight <= 0 adds 0.
//   Weights, when given, must be one per prefetch.
// - Distribution-Based Score Fusion: each list normalised by (score - (mean - 3 sigma)) / 6 sigma
//   (sample sigma; a one-point list or a list of equal scores scores 0.5), then summed.
// Results are ordered by fused score descending, ties in first-seen order; `offset` is skipped,
// then points scoring below `score_threshold` end the list, and `limit` are kept.
#pragma once

#include <vector>

#include "common/status.hpp"
#include "query/prefetch.hpp"
#include "query/query_plan.hpp"

namespace sextant::query {

Result<std::vector<storage::ScoredOffset>> fuse_rrf(const QueryPlan& plan, const RrfQuery& rrf,
                                                    const PrefetchResults& lists);
std::vector<storage::ScoredOffset> fuse_dbsf(const QueryPlan& plan, const PrefetchResults& lists);

}  // namespace sextant::query
