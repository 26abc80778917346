// The filters a plan tree runs with, as Qdrant 1.19 plans a query request:
// - every point id the request refers to in the queried collection (a by-id nearest target, the
//   examples of recommend / discover / context / relevance feedback, at the root or in any
//   prefetch; not ids looked up in another collection) is excluded by a must_not has_id added
//   to the root filter;
// - the root filter reaches every prefetch: each prefetch runs under its parent's filter AND its
//   own, so a prefetch's limit counts only points the request can return.
// The plan the caller gave is not changed; the prepared copy shares its filters and views.
#pragma once

#include "query/query_plan.hpp"

namespace sextant::query {

QueryPlan with_propagated_filters(const QueryPlan& plan);

}  // namespace sextant::query
