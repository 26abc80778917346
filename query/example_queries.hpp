// Queries driven by examples rather than one vector: recommend (average_vector, best_score,
// sum_scores), discover (target + context pairs) and context search, with Qdrant's scoring
// formulas. Examples given as point ids are read from the view and never returned themselves.
#pragma once

#include "api/query_request.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::api {

Result<std::vector<storage::ScoredOffset>> execute_example_query(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    storage::ParallelPool& pool);

}  // namespace sextant::api
