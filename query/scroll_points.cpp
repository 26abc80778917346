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

Result<storage::ScrollResult> scroll_points(const storage::Collection& collection,
                                            const storage::ScrollRequest& request) {
  if (request.order_by) {
    if (request.offset)
      return Error::bad_input(
          "Cannot use an `offset` when using `order_by`. The alternative for paging is to use "
          "`order_by.start_from` and a filter to exclude the IDs that you've already seen for the "
          "`order_by.start_from` value");
    const std::string& key = request.order_by->key;
    if (!supports_range(collection.payload_indexes().field_type(key)))
      return Error::bad_request(
          "No range index for `order_by` key: `" + key +
          "`. Please create one to use `order_by`. Check "
          "https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload "
          "schemas support Range conditions");
  }
  auto view = collection.view();
  return storage::scroll(*view, request);
}

}  // namespace sextant::query
