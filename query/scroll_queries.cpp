// All / sample / order_by: candidates from the prefetches or a filtered walk of the collection;
// order_by goes through storage's scroll, which orders by the payload key.
#include "query/scroll_queries.hpp"

#include <algorithm>
#include <random>

#include "query/candidate_filter.hpp"
#include "storage/point_queries.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// The score Qdrant gives every point a scroll returns.
constexpr float kScrollScore = 1.0f;

// Every point passing the filter, in storage order.
std::vector<ScoredOffset> collection_points(const storage::ReadView& view, const QueryPlan& plan) {
  std::vector<ScoredOffset> all;
  storage::for_each_matching(view, plan.filter.get(),
                             [&](const storage::PointReader&, uint32_t offset) {
                               all.push_back({offset, kScrollScore});
                             });
  return all;
}

std::vector<ScoredOffset> page(const std::vector<ScoredOffset>& all, size_t offset, size_t limit) {
  std::vector<ScoredOffset> out;
  for (size_t i = offset; i < all.size() && out.size() < limit; ++i) out.push_back(all[i]);
  return out;
}

}  // namespace

std::vector<ScoredOffset> execute_all(const storage::ReadView& view, const QueryPlan& plan,
                                      const PrefetchResults& candidates) {
  if (candidates.empty()) return page(collection_points(view, plan), plan.offset, plan.limit);
  std::vector<ScoredOffset> all;
  for (const auto& list : candidates) all.insert(all.end(), list.begin(), list.end());
  return page(all, plan.offset, plan.limit);
}

std::vector<ScoredOffset> execute_sample_random(const storage::ReadView& view,
                                                const QueryPlan& plan,
                                                const PrefetchResults& candidates) {
  std::vector<ScoredOffset> all;
  if (plan.prefetch.empty()) {
    all = collection_points(view, plan);
  } else {
    for (uint32_t offset : unique_candidates(view, plan, candidates))
      all.push_back({offset, kScrollScore});
  }
  std::shuffle(all.begin(), all.end(), std::mt19937(std::random_device{}()));
  return page(all, plan.prefetch.empty() ? 0 : plan.offset, plan.limit);
}

std::vector<ScoredOffset> execute_order_by(const storage::ReadView& view, const QueryPlan& plan,
                                           const OrderByQuery& order_by,
                                           const PrefetchResults& candidates,
                                           std::vector<double>* order_values) {
  storage::ScrollRequest scroll;
  scroll.filter = plan.prefetch.empty() ? plan.filter : candidate_filter(view, plan, candidates);
  scroll.limit = plan.limit + plan.offset;
  scroll.order_by = order_by.order_by;
  scroll.read.with_payload = false;
  auto ordered = storage::scroll(view, scroll);
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < ordered.points.size(); ++i) {
    out.push_back({ordered.points[i].offset, kScrollScore});
    if (order_values && i < ordered.order_values.size())
      order_values->push_back(ordered.order_values[i]);
  }
  return out;
}

}  // namespace sextant::query
