// The engine's entry point: runs a QueryPlan on one collection view, with the filters Qdrant
// gives its parts (query/plan_filters.hpp). Prefetches run first (recursively, each on the same
// view), then the plan's own query over their candidates or over the whole collection. Returns
// scored offsets, best first in the query's own order; the caller reads the points it needs from
// the same view. For an order_by query, `order_values` (when given) receives the value each
// returned point was ordered by, which Qdrant reports as `order_value`; it is left empty for
// other kinds.
#pragma once

#include <vector>

#include "query/query_plan.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

Result<std::vector<storage::ScoredOffset>> execute_query(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    storage::ParallelPool& pool, std::vector<double>* order_values = nullptr);

}  // namespace sextant::query
