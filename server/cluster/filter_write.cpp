// See filter_write.hpp.
#include "server/cluster/filter_write.hpp"

#include <boost/json.hpp>

#include "api/parse/point_parsing.hpp"
#include "server/cluster/standalone_call.hpp"
#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

constexpr uint64_t kResolvePageSize = 10000;

// One page of the local scroll of `filter` (ids only) from `offset` (null: the first page).
Result<json::object> scroll_page(const api::Handler& local_scroll, const std::string& collection,
                                 const json::value& filter, uint64_t limit,
                                 const json::value& offset) {
  json::object body{
      {"filter", filter}, {"limit", limit}, {"with_payload", false}, {"with_vector", false}};
  if (!offset.is_null()) body["offset"] = offset;
  const std::string text = json::serialize(body);
  api::Request request = local_request(api::HttpMethod::kPost, collection, text);
  api::Response response = local_scroll(request);
  if (response.status != 200) return error_of(response);
  boost::system::error_code ec;
  json::value parsed = json::parse(response.body, ec);
  if (ec || !parsed.is_object()) return Error::internal("a local scroll answer is damaged");
  auto* result = parsed.get_object().if_contains("result");
  if (!result || !result->is_object() || !result->get_object().contains("points") ||
      !result->get_object().at("points").is_array())
    return Error::internal("a local scroll answer is damaged");
  return std::move(result->get_object());
}

}  // namespace

bool selects_by_filter(const json::object& body) {
  const auto* filter = body.if_contains("filter");
  const auto* points = body.if_contains("points");
  return filter && !filter->is_null() && (!points || points->is_null());
}

json::object filter_shard_member(uint32_t shard_id, uint32_t shard_number) {
  return json::object{{"shard_id", shard_id}, {"shard_number", shard_number}};
}

Status check_filter(const api::Handler& local_scroll, const std::string& collection,
                    const json::value& filter) {
  auto page = scroll_page(local_scroll, collection, filter, 1, nullptr);
  if (!page.ok()) return page.error();
  return Status::ok_status();
}

Result<json::array> resolve_filter_to_ids(const api::Handler& local_scroll,
                                          const std::string& collection, const json::value& filter,
                                          uint32_t shard_id, uint32_t shard_number) {
  json::array ids;
  json::value offset = nullptr;
  do {
    auto page = scroll_page(local_scroll, collection, filter, kResolvePageSize, offset);
    if (!page.ok()) return page.error();
    for (const auto& point : page.value().at("points").get_array()) {
      const auto* id = point.is_object() ? point.get_object().if_contains("id") : nullptr;
      if (!id) return Error::internal("a local scroll answer is damaged");
      auto parsed = api::parse_point_id(*id);
      if (!parsed.ok()) return parsed.error();
      if (storage::route_point(parsed.value(), shard_number) == shard_id) ids.push_back(*id);
    }
    const auto* next = page.value().if_contains("next_page_offset");
    offset = next ? *next : json::value(nullptr);
  } while (!offset.is_null());
  return ids;
}

json::object by_ids(const json::object& body, json::array ids) {
  json::object selected = body;
  selected.erase("filter");
  selected["points"] = std::move(ids);
  return selected;
}

}  // namespace sextant::server
