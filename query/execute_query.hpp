// Runs a QueryPlan on one collection view: prefetches first (recursively), then the plan's own
// query over their candidates or over the whole collection. Returns scored offsets, best first.
#pragma once

#include "api/query_request.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::api {

Result<std::vector<storage::ScoredOffset>> execute_query(const storage::Collection& collection,
                                                         const storage::ReadView& view,
                                                         const QueryPlan& plan,
                                                         storage::ParallelPool& pool);

}  // namespace sextant::api
