// Queries that list points rather than score them by a vector: every point (no `query`; score
// 1 over the collection, prefetch scores kept), a random sample (score 0 over the collection),
// and order_by (points ordered by a payload key, the key's value as score; prefetches do not
// restrict it, as in Qdrant's scroll). Over prefetches, the candidates are their lists
// concatenated (duplicates kept). `offset` is skipped and `limit` kept.
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
                                                    const OrderByQuery& order_by);

}  // namespace sextant::query
