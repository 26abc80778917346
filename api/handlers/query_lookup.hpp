// Opening the `lookup_from` collections of a parsed query plan on the server's storage, before
// the plan runs on `view` of `collection` (query/lookup.hpp says what the engine does with them).
#pragma once

#include <memory>

#include "api/api_context.hpp"
#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/collection.hpp"

namespace sextant::api {

Status attach_lookups(ApiContext& context, const storage::Collection& collection,
                      const std::shared_ptr<const storage::ReadView>& view, query::QueryPlan& plan);

}  // namespace sextant::api
