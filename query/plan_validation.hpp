// The rules Qdrant 1.19 checks on every level of a query request (the root and each prefetch)
// before it runs, with its texts (400 "Bad request: ..."):
// - prefetches need a query to merge them;
// - score_threshold needs a query, and an order_by query takes none;
// - fusion (rrf / dbsf) cannot be combined with `using`.
#pragma once

#include "common/status.hpp"
#include "query/query_plan.hpp"

namespace sextant::query {

Status validate_plan(const QueryPlan& plan);

}  // namespace sextant::query
