// Lookup views attached recursively; the example source chosen per plan.
#include "query/lookup.hpp"

namespace sextant::query {

Status attach_lookup_views(QueryPlan& plan,
                           const std::shared_ptr<const storage::ReadView>& own_view,
                           const OpenCollectionView& open) {
  if (plan.lookup_from) {
    LookupFrom& lookup = *plan.lookup_from;
    auto view = open(lookup.collection);
    if (!view.ok()) return Error::not_found("Collection " + lookup.collection + " not found");
    lookup.view = std::move(view.value());
    lookup.same_collection = lookup.view == own_view;
  }
  for (QueryPlan& prefetch : plan.prefetch)
    if (auto st = attach_lookup_views(prefetch, own_view, open); !st.ok()) return st;
  return {};
}

ExampleSource example_source(const storage::ReadView& view, const QueryPlan& plan) {
  if (!plan.lookup_from || !plan.lookup_from->view) return {&view, plan.using_name, true};
  const LookupFrom& lookup = *plan.lookup_from;
  return {lookup.view.get(), lookup.vector.value_or(plan.using_name), lookup.same_collection};
}

}  // namespace sextant::query
