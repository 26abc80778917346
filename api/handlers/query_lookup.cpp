// A lookup naming the queried collection (or an alias of it) reads from the query's own view.
#include "api/handlers/query_lookup.hpp"

#include <string>

#include "query/lookup.hpp"
#include "storage/storage.hpp"

namespace sextant::api {

Status attach_lookups(ApiContext& context, const storage::Collection& collection,
                      const std::shared_ptr<const storage::ReadView>& view,
                      query::QueryPlan& plan) {
  return query::attach_lookup_views(
      plan, view, [&](const std::string& name) -> Result<std::shared_ptr<const storage::ReadView>> {
        auto other = context.storage.collection(name);
        if (!other.ok()) return other.error();
        if (other.value().get() == &collection) return view;
        return std::shared_ptr<const storage::ReadView>(other.value()->view());
      });
}

}  // namespace sextant::api
