// Qdrant's relevance_feedback query (naive strategy) over a dense vector: every point that passes
// the filter is scored
//   a * sim(target, p) + sum over pairs of (pos.score - neg.score)^b * c * delta(p),
//   delta(p) = sim(pos, p) - sim(neg, p)
// where the pairs are every ordered pair (pos, neg) of feedback examples with
// pos.score - neg.score > 0, in Qdrant's 2-permutation order, and sim is the vector's raw
// similarity (see mmr.hpp). Examples given as point ids are read from the view and never returned.
// With prefetches, only their points are scored; otherwise the whole collection is scanned.
#pragma once

#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

Result<std::vector<storage::ScoredOffset>> execute_relevance_feedback(
    const storage::ReadView& view, const QueryPlan& plan, const RelevanceFeedbackQuery& feedback,
    const std::vector<std::vector<storage::ScoredOffset>>& prefetch_results,
    storage::ParallelPool& pool);

}  // namespace sextant::query
