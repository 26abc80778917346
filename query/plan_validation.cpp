// Each level checked top-down, the root first, as Qdrant converts its request.
#include "query/plan_validation.hpp"

#include <variant>

namespace sextant::query {

Status validate_plan(const QueryPlan& plan) {
  const bool no_query = std::holds_alternative<AllQuery>(plan.query);
  if (!plan.prefetch.empty() && no_query)
    return Error::bad_request(
        "A query is needed to merge the prefetches. Can't have prefetches without defining a "
        "query.");
  if (plan.score_threshold) {
    if (std::holds_alternative<OrderByQuery>(plan.query))
      return Error::bad_request("Can't use score_threshold with an order_by query.");
    if (no_query)
      return Error::bad_request(
          "A query is needed to use the score_threshold. Can't have score_threshold without "
          "defining a query.");
  }
  const bool fusion =
      std::holds_alternative<RrfQuery>(plan.query) || std::holds_alternative<DbsfQuery>(plan.query);
  if (fusion && !plan.using_name.empty())
    return Error::bad_request("Fusion queries cannot be combined with the 'using' field.");
  for (const auto& prefetch : plan.prefetch)
    if (auto st = validate_plan(prefetch); !st.ok()) return st;
  return {};
}

}  // namespace sextant::query
