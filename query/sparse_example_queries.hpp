// Recommend, discover, context and relevance feedback over a sparse vector (`using` names a
// sparse vector), scored as Qdrant's sparse custom scorer does: the similarity of an example and
// a point is their dot product over shared dimensions, 0 when they share none, and every point
// carrying the vector is a candidate. Examples given by id are the points' stored vectors (and
// are never returned); with the `idf` modifier every example is IDF-weighted first (over the
// `params.idf` corpus), as a sparse query is. Recommend `average_vector` averages the examples
// over the union of their dimensions and runs a nearest sparse search with the result.
#pragma once

#include <vector>

#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

// True when the plan's `using` names a sparse vector of the collection.
bool uses_sparse_vector(const storage::ReadView& view, const QueryPlan& plan);

Result<std::vector<storage::ScoredOffset>> execute_sparse_recommend(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const RecommendQuery& recommend, storage::ParallelPool& pool);
Result<std::vector<storage::ScoredOffset>> execute_sparse_discover(const storage::ReadView& view,
                                                                   const QueryPlan& plan,
                                                                   const DiscoverQuery& discover);
Result<std::vector<storage::ScoredOffset>> execute_sparse_context(const storage::ReadView& view,
                                                                  const QueryPlan& plan,
                                                                  const ContextQuery& context);
Result<std::vector<storage::ScoredOffset>> execute_sparse_relevance_feedback(
    const storage::ReadView& view, const QueryPlan& plan, const RelevanceFeedbackQuery& feedback,
    const std::vector<std::vector<storage::ScoredOffset>>& prefetch_results);

}  // namespace sextant::query
