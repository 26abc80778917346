// Queries that list points rather than score them by a vector, scored 1 as Qdrant's scrolls
// score them: every point (no `query`; over prefetches their lists concatenated, prefetch scores
// kept), a random sample and order_by (points ordered by a payload key). Over prefetches, the
// sample and order_by run on the points the prefetches found (each once), under the plan's
// filter; order_by reports the value each point was ordered by into `order_values` when given.
// `offset` is skipped and `limit` kept, except that a sample without prefetches ignores
// `offset` (Qdrant's shortcut: its order is not stable anyway).
#pragma once

#include <vector>

#include "query/prefetch.hpp"
#include "query/query_plan.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

std::vector<storage::ScoredOffset> execute_all(const storage::ReadView& view, const QueryPlan& plan,
                                               const PrefetchResults& candidates);

std::vector<storage::ScoredOffset> execute_sample_random(const storage::ReadView& view,
                                                         const QueryPlan& plan,
                                                         const PrefetchResults& candidates);

std::vector<storage::ScoredOffset> execute_order_by(const storage::ReadView& view,
                                                    const QueryPlan& plan,
                                                    const OrderByQuery& order_by,
                                                    const PrefetchResults& candidates,
                                                    std::vector<double>* order_values);

}  // namespace sextant::query
