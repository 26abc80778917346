#include "api/handlers/facet_handlers.hpp"

#include "api/handler_support.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/point_parsing.hpp"
#include "api/strict_mode/strict_mode_gate.hpp"
#include "storage/point_filter.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

Result<json::value> facet(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto key = body->if_contains("key");
  if (!key) return Error::format("missing field `key`");
  if (!key->is_string()) return Error::format("invalid type for `key`: expected a string");
  size_t limit = 10;
  if (auto l = body->if_contains("limit"); l && !l->is_null()) {
    if (!json_uint(*l)) return Error::format("invalid type for `limit`: expected usize");
    if (*json_uint(*l) < 1)
      return Error::validation("[facet_request.limit: value " + json_number_text(*l) +
                               " invalid, must be 1 or larger]");
    limit = *json_uint(*l);
  }
  if (auto e = body->if_contains("exact"); e && !e->is_null() && !e->is_bool())
    return Error::format("invalid type for `exact`: expected a boolean");
  auto filter = parse_optional_filter(body.value());
  if (!filter.ok()) return filter.error();
  std::optional<uint64_t> given_limit;  // strict mode checks `limit` and `exact` when given
  if (auto l = body->if_contains("limit"); l && !l->is_null()) given_limit = limit;
  const json::value* exact = body->if_contains("exact");
  if (auto st = strict_mode::gate_scroll_like(*context.rate_limits, *collection.value(), request,
                                              filter.value().get(), given_limit,
                                              exact && exact->is_bool() && exact->get_bool());
      !st.ok())
    return st.error();

  const std::string field(key->get_string());
  // The indexes follow the newest view; an offset compaction between taking the view and
  // counting changes their numbering, so the count is taken again on the newer view.
  std::optional<std::vector<index::payload_index::FacetHit>> hits;
  for (int attempt = 0;; ++attempt) {
    auto shard_view = read_view_for(*collection.value(), body.value());
    if (!shard_view.ok()) return shard_view.error();
    const auto& view = shard_view.value();
    auto reader = view->reader();
    std::function<bool(uint32_t)> accept = [&](uint32_t offset) {
      return reader.alive(offset) &&
             (!filter.value() || storage::point_matches(*filter.value(), reader, offset));
    };
    bool stale = false;
    hits = collection.value()->payload_indexes().facet(field, &accept, limit,
                                                       view->state().generation, &stale);
    if (!stale) break;
    if (attempt == 8) return Error::internal("facet counts are being rebuilt; retry");
  }
  if (!hits) return Error::bad_input(index::payload_index::facet_missing_index_message(field));
  json::array out;
  for (const auto& hit : *hits)
    out.push_back(json::object{{"value", hit.value}, {"count", hit.count}});
  return json::value(json::object{{"hits", std::move(out)}});
}

}  // namespace

void register_facet_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kPost, "/collections/{collection_name}/facet",
              [ctx](Request& r) { return respond([&] { return facet(*ctx, r); }); }});
}

}  // namespace sextant::api
