// `lookup_from` of a plan tree: opening the collections it names before the plan runs, and the
// place (view and vector name) a plan's point-id examples are read from.
//
// Qdrant resolves every lookup collection of a request before it scores anything, so a missing
// one fails the request ("Not found: Collection <name> not found", 404) even when no example is
// a point id.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

// Opens a collection's view by name (or alias); an error when there is no such collection. For
// the queried collection itself it must return `own_view`, the view the query runs on.
using OpenCollectionView =
    std::function<Result<std::shared_ptr<const storage::ReadView>>(const std::string& name)>;

// Sets LookupFrom::view on the plan and its prefetches; a lookup that opens `own_view` names the
// queried collection.
Status attach_lookup_views(QueryPlan& plan,
                           const std::shared_ptr<const storage::ReadView>& own_view,
                           const OpenCollectionView& open);

// Where a plan's point ids are read: the lookup collection's view and vector, or the queried
// view and the plan's `using`. `excludes_examples` is false for another collection's points.
struct ExampleSource {
  const storage::ReadView* view = nullptr;
  std::string vector_name;
  bool excludes_examples = true;
};

ExampleSource example_source(const storage::ReadView& view, const QueryPlan& plan);

}  // namespace sextant::query
