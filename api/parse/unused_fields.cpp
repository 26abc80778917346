// Type checks of the accepted-but-unused request fields (see unused_fields.hpp).
#include "api/parse/unused_fields.hpp"

#include "api/parse/filter_parser.hpp"
#include "api/parse/json_numbers.hpp"

namespace sextant::api {
namespace {

namespace json = boost::json;

bool is_shard_key(const json::value& value) {
  return value.is_string() || json_uint(value).has_value();
}

bool is_shard_key_selector(const json::value& value) {
  if (is_shard_key(value)) return true;
  if (value.is_array()) {
    for (const auto& key : value.get_array())
      if (!is_shard_key(key)) return false;
    return true;
  }
  if (!value.is_object()) return false;
  const auto* target = value.get_object().if_contains("target");
  const auto* fallback = value.get_object().if_contains("fallback");
  return target && fallback && is_shard_key(*target) && is_shard_key(*fallback);
}

Status check_shard_key_value(const json::value* value) {
  if (value == nullptr || value->is_null() || is_shard_key_selector(*value)) return {};
  return Error::format("data did not match any variant of untagged enum ShardKeySelector");
}

}  // namespace

Status check_shard_key_field(const json::object& body) {
  return check_shard_key_value(body.if_contains("shard_key"));
}

Status check_lookup_from_field(const json::object& body) {
  const json::value* lookup = body.if_contains("lookup_from");
  if (lookup == nullptr || lookup->is_null()) return {};
  if (!lookup->is_object()) return Error::format("invalid type: expected struct LookupLocation");
  const json::object& location = lookup->get_object();
  const json::value* collection = location.if_contains("collection");
  if (collection == nullptr) return Error::format("missing field `collection`");
  if (!collection->is_string())
    return Error::format("invalid type for `collection`: expected a string");
  if (const auto* vector = location.if_contains("vector");
      vector && !vector->is_null() && !vector->is_string())
    return Error::format("invalid type for `vector`: expected a string");
  return check_shard_key_value(location.if_contains("shard_key"));
}

Status check_unused_search_params(const json::object& params) {
  if (const auto* acorn = params.if_contains("acorn"); acorn && !acorn->is_null()) {
    if (!acorn->is_object())
      return Error::format("invalid type for `acorn`: expected struct AcornSearchParams");
    const json::object& fields = acorn->get_object();
    if (const auto* enable = fields.if_contains("enable");
        enable && !enable->is_null() && !enable->is_bool())
      return Error::format("invalid type for `enable`: expected a boolean");
    if (const auto* selectivity = fields.if_contains("max_selectivity");
        selectivity && !selectivity->is_null() && !selectivity->is_number())
      return Error::format("invalid type for `max_selectivity`: expected f64");
  }
  if (const auto* idf = params.if_contains("idf"); idf && !idf->is_null()) {
    if (idf->is_string() && idf->get_string() == "global") return {};
    const json::value* corpus =
        idf->is_object() ? idf->get_object().if_contains("corpus") : nullptr;
    if (corpus == nullptr)
      return Error::format("data did not match any variant of untagged enum IdfParams");
    auto filter = parse_filter_json(*corpus);
    if (!filter.ok()) return filter.error();
  }
  return {};
}

}  // namespace sextant::api
