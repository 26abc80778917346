// Scroll bodies (see scroll_request.hpp). Fields are read in the order Qdrant's deserializer
// reports their errors: limit, offset, filter, with_payload, with_vector, order_by.
#include "api/parse/scroll_request.hpp"

#include "api/parse/json_numbers.hpp"
#include "api/parse/unused_fields.hpp"
#include "index/filter/datetime.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr size_t kMaxLimit = 1'000'000;

Result<size_t> parse_limit(const json::object& body, size_t fallback) {
  auto v = body.if_contains("limit");
  if (!v || v->is_null()) return fallback;
  if (!json_uint(*v)) return Error::format("invalid type for `limit`: expected usize");
  size_t limit = *json_uint(*v);
  if (limit < 1) return Error::validation("[limit: value 0 invalid, must be 1 or larger]");
  if (limit > kMaxLimit) return Error::bad_request("limit must be at most 1000000");
  return limit;
}

Result<storage::OrderBy> parse_order_by(const json::value& order) {
  storage::OrderBy order_by;
  if (order.is_string()) {
    order_by.key = std::string(order.get_string());
    return order_by;
  }
  if (!order.is_object())
    return Error::format("data did not match any variant of untagged enum OrderByInterface");
  const auto& fields = order.get_object();
  auto key = fields.if_contains("key");
  if (!key || !key->is_string()) return Error::format("missing field `key`");
  order_by.key = std::string(key->get_string());
  if (auto d = fields.if_contains("direction"); d && !d->is_null()) {
    if (!d->is_string() || (d->get_string() != "asc" && d->get_string() != "desc"))
      return Error::format("unknown variant, expected `asc` or `desc`");
    order_by.descending = d->get_string() == "desc";
  }
  if (auto s = fields.if_contains("start_from"); s && !s->is_null()) {
    if (s->is_string()) {
      // A datetime start_from orders by microseconds since the epoch, as the datetime index.
      auto micros = index::filter::parse_datetime_micros(s->get_string());
      if (!micros)
        return Error::format("data did not match any variant of untagged enum StartFrom");
      order_by.start_from = static_cast<double>(*micros);
    } else {
      if (!s->is_number()) return Error::format("invalid type for `start_from`");
      order_by.start_from = json_double(*s);
    }
  }
  return order_by;
}

}  // namespace

Result<ScrollPointsRequest> parse_scroll_request(const json::object& body) {
  ScrollPointsRequest request;
  if (auto st = check_shard_key_field(body); !st.ok()) return st.error();
  auto limit = parse_limit(body, 10);
  if (!limit.ok()) return limit.error();
  request.scroll.limit = limit.value();
  if (auto offset = body.if_contains("offset"); offset && !offset->is_null()) {
    auto id = parse_point_id(*offset);
    if (!id.ok()) return id.error();
    request.scroll.offset = id.value();
  }
  auto filter = parse_optional_filter(body, "filter");
  if (!filter.ok()) return filter.error();
  request.scroll.filter = filter.value();
  auto payload = parse_with_payload(body, true);
  if (!payload.ok()) return payload.error();
  request.with_payload = payload.value();
  auto vectors = parse_with_vector(body, false);
  if (!vectors.ok()) return vectors.error();
  request.with_vector = vectors.value();
  request.scroll.read = {payload->enabled, vectors.value()};
  if (auto order = body.if_contains("order_by"); order && !order->is_null()) {
    auto order_by = parse_order_by(*order);
    if (!order_by.ok()) return order_by.error();
    request.scroll.order_by = std::move(order_by.value());
  }
  return request;
}

}  // namespace sextant::api
