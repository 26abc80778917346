// The rules and filters a plan tree gets before it runs (query/plan_validation.hpp,
// query/plan_filters.hpp): Qdrant's request rules on every level, the root filter reaching every
// prefetch, and the ids the request refers to excluded at the root.
#include <gtest/gtest.h>

#include "query/plan_filters.hpp"
#include "query/plan_validation.hpp"

namespace sextant::query {
namespace {

namespace filter = index::filter;

QueryPlan nearest_by_id(uint64_t id) {
  QueryPlan plan;
  plan.query = NearestQuery{storage::PointId::from_number(id), std::nullopt};
  return plan;
}

TEST(PlanValidation, PrefetchesNeedAQueryOnEveryLevel) {
  QueryPlan plan;
  plan.query = RrfQuery{};
  QueryPlan middle;
  middle.prefetch.push_back(nearest_by_id(1));
  plan.prefetch.push_back(middle);
  auto st = validate_plan(plan);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "Bad request: A query is needed to merge the prefetches. Can't have prefetches "
            "without defining a query.");
}

TEST(PlanValidation, ScoreThresholdAndFusionRules) {
  QueryPlan order_by;
  order_by.query = OrderByQuery{};
  order_by.score_threshold = 0.5f;
  EXPECT_EQ(validate_plan(order_by).error().message,
            "Bad request: Can't use score_threshold with an order_by query.");
  QueryPlan fusion;
  fusion.query = DbsfQuery{};
  fusion.using_name = "image";
  fusion.prefetch.push_back(nearest_by_id(1));
  EXPECT_EQ(validate_plan(fusion).error().message,
            "Bad request: Fusion queries cannot be combined with the 'using' field.");
  fusion.using_name.clear();
  EXPECT_TRUE(validate_plan(fusion).ok());
}

TEST(PlanFilters, ReferencedIdsAreExcludedAtTheRootAndReachEveryPrefetch) {
  QueryPlan plan;
  plan.query = RrfQuery{};
  plan.prefetch.push_back(nearest_by_id(7));
  QueryPlan by_vector;
  by_vector.query = NearestQuery{storage::QueryVector(std::vector<float>{1, 0}), std::nullopt};
  auto own = std::make_shared<filter::Filter>();
  by_vector.filter = own;
  plan.prefetch.push_back(by_vector);

  const QueryPlan prepared = with_propagated_filters(plan);
  ASSERT_TRUE(prepared.filter);
  ASSERT_TRUE(prepared.filter->must_not);
  const auto& has_id = std::get<filter::HasIdCondition>(prepared.filter->must_not->at(0));
  EXPECT_TRUE(has_id.contains(storage::PointId::from_number(7)));
  // The first prefetch had no filter: it runs under the root's.
  EXPECT_EQ(prepared.prefetch[0].filter, prepared.filter);
  // The second keeps its own under the root's.
  ASSERT_TRUE(prepared.prefetch[1].filter->must);
  EXPECT_EQ(prepared.prefetch[1].filter->must->size(), 2u);
  // The caller's plan is unchanged.
  EXPECT_FALSE(plan.filter);
}

TEST(PlanFilters, IdsOfAnotherCollectionAreNotExcluded) {
  QueryPlan plan = nearest_by_id(7);
  plan.lookup_from = LookupFrom{"other", std::nullopt, nullptr, /*same_collection=*/false};
  EXPECT_FALSE(with_propagated_filters(plan).filter);
}

}  // namespace
}  // namespace sextant::query
