// The points a plan's prefetches found, as the stages that re-run over them need them: each
// point once (first occurrence kept, in prefetch order) and only if it passes the plan's own
// filter, or as a filter (the plan's filter AND has_id of those points) for stages that go
// through storage's scroll. Qdrant restricts its rescoring stage the same way: a has_id filter
// of the prefetched ids.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "index/filter/filter.hpp"
#include "query/prefetch.hpp"
#include "query/query_plan.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

std::vector<uint32_t> unique_candidates(const storage::ReadView& view, const QueryPlan& plan,
                                        const PrefetchResults& candidates);

std::shared_ptr<const index::filter::Filter> candidate_filter(const storage::ReadView& view,
                                                              const QueryPlan& plan,
                                                              const PrefetchResults& candidates);

}  // namespace sextant::query
