// Queries driven by examples rather than one vector: recommend (average_vector, best_score,
// sum_scores), discover (target + context pairs) and context search, with Qdrant's scoring
// formulas. They score the plan's `using` dense vector (never a multivector) over the whole
// collection or, when the plan has prefetches, over the points those found; under the plan's
// filter, threshold, offset and limit. Similarities are Qdrant's raw ones (Euclid: minus the
// squared distance), and best_score / sum_scores / discover / context scores are reported as
// computed, not turned into distances. Examples given as point ids are read from the view and
// never returned themselves.
#pragma once

#include <vector>

#include "query/prefetch.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

Result<std::vector<storage::ScoredOffset>> execute_recommend(const storage::Collection& collection,
                                                             const storage::ReadView& view,
                                                             const QueryPlan& plan,
                                                             const RecommendQuery& recommend,
                                                             const PrefetchResults& candidates,
                                                             storage::ParallelPool& pool);

Result<std::vector<storage::ScoredOffset>> execute_discover(const storage::ReadView& view,
                                                            const QueryPlan& plan,
                                                            const DiscoverQuery& discover,
                                                            const PrefetchResults& candidates,
                                                            storage::ParallelPool& pool);

Result<std::vector<storage::ScoredOffset>> execute_context(const storage::ReadView& view,
                                                           const QueryPlan& plan,
                                                           const ContextQuery& context,
                                                           const PrefetchResults& candidates,
                                                           storage::ParallelPool& pool);

}  // namespace sextant::query
