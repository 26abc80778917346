// Scroll requests: the ordering rules, then the page read from one view (see scroll_points.hpp).
#include "query/scroll_points.hpp"

#include "index/payload_index/field_schema.hpp"

namespace sextant::query {
namespace {

using index::payload_index::FieldType;

bool supports_range(std::optional<FieldType> type) {
  return type == FieldType::kInteger || type == FieldType::kFloat || type == FieldType::kDatetime;
}

}  // namespace

Result<storage::OrderBy> resolve_order_by(const storage::Collection& collection,
                                          storage::OrderBy order_by) {
  auto type = collection.payload_indexes().field_type(order_by.key);
  if (!supports_range(type))
    return Error::bad_request(
        "No range index for `order_by` key: `" + order_by.key +
        "`. Please create one to use `order_by`. Check "
        "https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload "
        "schemas support Range conditions");
  order_by.key_type = type;
  return order_by;
}

Result<storage::ScrollResult> scroll_points(const storage::Collection& collection,
                                            const storage::ScrollRequest& request,
                                            std::shared_ptr<const storage::ReadView> view) {
  if (!view) view = collection.view();
  if (!request.order_by) return storage::scroll(*view, request);
  if (request.offset)
    return Error::bad_input(
        "Cannot use an `offset` when using `order_by`. The alternative for paging is to use "
        "`order_by.start_from` and a filter to exclude the IDs that you've already seen for the "
        "`order_by.start_from` value");
  auto order_by = resolve_order_by(collection, *request.order_by);
  if (!order_by.ok()) return order_by.error();
  storage::ScrollRequest resolved = request;
  resolved.order_by = std::move(order_by.value());
  return storage::scroll(*view, resolved);
}

}  // namespace sextant::query
