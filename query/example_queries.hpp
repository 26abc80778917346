// Queries driven by examples rather than one vector: recommend (average_vector, best_score,
// sum_scores), discover (target + context pairs) and context search, with Qdrant's scoring
// formulas. They score the plan's `using` dense vector (never a multivector) over the whole
// collection, under the plan's filter, threshold, offset and limit. Examples given as point ids
// are read from the view and never returned themselves.
#pragma once

#include <vector>

#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

Result<std::vector<storage::ScoredOffset>> execute_recommend(const storage::Collection& collection,
                                                             const storage::ReadView& view,
                                                             const QueryPlan& plan,
                                                             const RecommendQuery& recommend,
                                                             storage::ParallelPool& pool);

Result<std::vector<storage::ScoredOffset>> execute_discover(const storage::ReadView& view,
                                                            const QueryPlan& plan,
                                                            const DiscoverQuery& discover,
                                                            storage::ParallelPool& pool);

Result<std::vector<storage::ScoredOffset>> execute_context(const storage::ReadView& view,
                                                           const QueryPlan& plan,
                                                           const ContextQuery& context,
                                                           storage::ParallelPool& pool);

}  // namespace sextant::query
