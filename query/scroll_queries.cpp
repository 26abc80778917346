// All / sample / order_by: candidates from the prefetches or a filtered walk of the collection;
// order_by goes through storage's scroll, which orders by the payload key.
#include "query/scroll_queries.hpp"

#include <algorithm>
#include <random>

#include "storage/point_queries.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// The prefetch lists concatenated, or every point passing the filter scored `score`.
std::vector<ScoredOffset> candidates_or_collection(const storage::ReadView& view,
                                                   const QueryPlan& plan,
                                                   const PrefetchResults& candidates, float score) {
  std::vector<ScoredOffset> all;
  if (!candidates.empty()) {
    for (const auto& list : candidates) all.insert(all.end(), list.begin(), list.end());
  } else {
    storage::for_each_matching(view, plan.filter.get(),
                               [&](const storage::PointReader&, uint32_t offset) {
                                 all.push_back({offset, score});
                               });
  }
  return all;
}

std::vector<ScoredOffset> page(const QueryPlan& plan, const std::vector<ScoredOffset>& all) {
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < all.size() && out.size() < plan.limit; ++i)
    out.push_back(all[i]);
  return out;
}

}  // namespace

std::vector<ScoredOffset> execute_all(const storage::ReadView& view, const QueryPlan& plan,
                                      const PrefetchResults& candidates) {
  return page(plan, candidates_or_collection(view, plan, candidates, 1.0f));
}

std::vector<ScoredOffset> execute_sample_random(const storage::ReadView& view,
                                                const QueryPlan& plan,
                                                const PrefetchResults& candidates) {
  std::vector<ScoredOffset> all = candidates_or_collection(view, plan, candidates, 0.0f);
  std::shuffle(all.begin(), all.end(), std::mt19937(std::random_device{}()));
  return page(plan, all);
}

std::vector<ScoredOffset> execute_order_by(const storage::ReadView& view, const QueryPlan& plan,
                                           const OrderByQuery& order_by) {
  storage::ScrollRequest scroll;
  scroll.filter = plan.filter;
  scroll.limit = plan.limit + plan.offset;
  scroll.order_by = order_by.order_by;
  scroll.read.with_payload = false;
  auto ordered = storage::scroll(view, scroll);
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < ordered.points.size(); ++i)
    out.push_back({ordered.points[i].offset, static_cast<float>(ordered.order_values[i])});
  return out;
}

}  // namespace sextant::query
