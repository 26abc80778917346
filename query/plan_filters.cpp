// Referenced ids collected over the tree, then filters merged top-down.
#include "query/plan_filters.hpp"

#include <type_traits>
#include <utility>
#include <vector>

namespace sextant::query {
namespace filter = index::filter;

namespace {

void add_example(const Example& example, std::vector<storage::PointId>& ids) {
  if (const auto* id = std::get_if<storage::PointId>(&example)) ids.push_back(*id);
}

// The ids one plan's own query refers to.
void add_query_ids(const Query& query, std::vector<storage::PointId>& ids) {
  std::visit(
      [&](const auto& kind) {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, NearestQuery>) {
          if (const auto* id = std::get_if<storage::PointId>(&kind.target)) ids.push_back(*id);
        } else if constexpr (std::is_same_v<Kind, RecommendQuery>) {
          for (const auto& e : kind.positive) add_example(e, ids);
          for (const auto& e : kind.negative) add_example(e, ids);
        } else if constexpr (std::is_same_v<Kind, DiscoverQuery>) {
          add_example(kind.target, ids);
          for (const auto& pair : kind.context) {
            add_example(pair.positive, ids);
            add_example(pair.negative, ids);
          }
        } else if constexpr (std::is_same_v<Kind, ContextQuery>) {
          for (const auto& pair : kind.context) {
            add_example(pair.positive, ids);
            add_example(pair.negative, ids);
          }
        } else if constexpr (std::is_same_v<Kind, RelevanceFeedbackQuery>) {
          add_example(kind.target, ids);
          for (const auto& item : kind.feedback) add_example(item.example, ids);
        }
      },
      query);
}

// Ids of the queried collection referred to by the plan and its prefetches.
void add_referenced_ids(const QueryPlan& plan, std::vector<storage::PointId>& ids) {
  const bool other_collection = plan.lookup_from && !plan.lookup_from->same_collection;
  if (!other_collection) add_query_ids(plan.query, ids);
  for (const auto& prefetch : plan.prefetch) add_referenced_ids(prefetch, ids);
}

std::shared_ptr<const filter::Filter> both(std::shared_ptr<const filter::Filter> outer,
                                           std::shared_ptr<const filter::Filter> inner) {
  if (!inner) return outer;
  if (!outer) return inner;
  filter::Filter merged;
  merged.must = std::vector<filter::Condition>{filter::FilterCondition{std::move(outer)},
                                               filter::FilterCondition{std::move(inner)}};
  return std::make_shared<const filter::Filter>(std::move(merged));
}

void propagate(std::vector<QueryPlan>& prefetches,
               const std::shared_ptr<const filter::Filter>& parent) {
  for (QueryPlan& prefetch : prefetches) {
    prefetch.filter = both(parent, prefetch.filter);
    propagate(prefetch.prefetch, prefetch.filter);
  }
}

}  // namespace

QueryPlan with_propagated_filters(const QueryPlan& plan) {
  QueryPlan prepared = plan;
  std::vector<storage::PointId> ids;
  add_referenced_ids(plan, ids);
  if (!ids.empty()) {
    auto excluded = std::make_shared<filter::Filter>();
    excluded->must_not = std::vector<filter::Condition>{filter::make_has_id(std::move(ids))};
    prepared.filter = both(std::move(excluded), prepared.filter);
  }
  propagate(prepared.prefetch, prepared.filter);
  return prepared;
}

}  // namespace sextant::query
