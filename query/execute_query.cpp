// Dispatch of a plan's query kind to the stage that runs it (std::visit over QueryPlan::query).
#include "query/execute_query.hpp"

#include "query/example_queries.hpp"
#include "query/fusion.hpp"
#include "query/nearest.hpp"
#include "query/plan_filters.hpp"
#include "query/plan_validation.hpp"
#include "query/prefetch.hpp"
#include "query/relevance_feedback.hpp"
#include "query/scroll_points.hpp"
#include "query/scroll_queries.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// One stage: the plan's query over its prefetch results. Borrows everything it is given.
struct StageRunner {
  const storage::Collection& collection;
  const storage::ReadView& view;
  const QueryPlan& plan;
  const PrefetchResults& candidates;
  storage::ParallelPool& pool;
  bool in_prefetch;
  std::vector<double>* order_values;  // null inside prefetches

  Result<std::vector<ScoredOffset>> operator()(const NearestQuery& nearest) const {
    return execute_nearest(collection, view, plan, nearest, candidates, pool, in_prefetch);
  }
  Result<std::vector<ScoredOffset>> operator()(const FormulaQuery& formula) const {
    if (plan.prefetch.empty())
      return Error::bad_input("Validation failed: cannot apply Formula without prefetches");
    return formula::rescore_with_formula(view, *formula.formula, candidates, plan.filter.get(),
                                         plan.score_threshold, plan.limit, plan.offset);
  }
  Result<std::vector<ScoredOffset>> operator()(const RrfQuery& rrf) const {
    return fuse_rrf(plan, rrf, candidates);
  }
  Result<std::vector<ScoredOffset>> operator()(const DbsfQuery&) const {
    return fuse_dbsf(plan, candidates);
  }
  Result<std::vector<ScoredOffset>> operator()(const RelevanceFeedbackQuery& feedback) const {
    return execute_relevance_feedback(view, plan, feedback, candidates, pool);
  }
  Result<std::vector<ScoredOffset>> operator()(const RecommendQuery& recommend) const {
    return execute_recommend(collection, view, plan, recommend, candidates, pool);
  }
  Result<std::vector<ScoredOffset>> operator()(const DiscoverQuery& discover) const {
    return execute_discover(view, plan, discover, candidates, pool);
  }
  Result<std::vector<ScoredOffset>> operator()(const ContextQuery& context) const {
    return execute_context(view, plan, context, candidates, pool);
  }
  Result<std::vector<ScoredOffset>> operator()(const OrderByQuery& order_by) const {
    auto resolved = resolve_order_by(collection, order_by.order_by);
    if (!resolved.ok()) return resolved.error();
    return execute_order_by(view, plan, OrderByQuery{std::move(resolved.value())}, candidates,
                            order_values);
  }
  Result<std::vector<ScoredOffset>> operator()(const SampleRandomQuery&) const {
    return execute_sample_random(view, plan, candidates);
  }
  Result<std::vector<ScoredOffset>> operator()(const AllQuery&) const {
    return execute_all(view, plan, candidates);
  }
};

// Runs one plan; `in_prefetch` tells a prefetch from the request's own query (MMR differs).
Result<std::vector<ScoredOffset>> run_plan(const storage::Collection& collection,
                                           const storage::ReadView& view, const QueryPlan& plan,
                                           storage::ParallelPool& pool, bool in_prefetch,
                                           std::vector<double>* order_values) {
  PrefetchResults candidates;
  for (const auto& child : plan.prefetch) {
    auto result = run_plan(collection, view, child, pool, /*in_prefetch=*/true, nullptr);
    if (!result.ok()) return result.error();
    candidates.push_back(std::move(result.value()));
  }
  return std::visit(
      StageRunner{collection, view, plan, candidates, pool, in_prefetch, order_values}, plan.query);
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_query(const storage::Collection& collection,
                                                const storage::ReadView& view,
                                                const QueryPlan& plan, storage::ParallelPool& pool,
                                                std::vector<double>* order_values) {
  if (order_values) order_values->clear();
  if (auto st = validate_plan(plan); !st.ok()) return st.error();
  const QueryPlan prepared = with_propagated_filters(plan);
  return run_plan(collection, view, prepared, pool, /*in_prefetch=*/false, order_values);
}

}  // namespace sextant::query
