// Filter JSON parsing in two passes, as Qdrant does it: deserialise (first problem wins, reported
// as a format error in serde's words), then validate the typed filter (every violation reported,
// joined with "; ", as a 422 validation error).
#include "api/parse/filter_parser.hpp"

#include <boost/json.hpp>
#include <limits>

#include "api/parse/filter_parser_internal.hpp"

namespace sextant::api {
namespace {

namespace json = boost::json;
using namespace index::filter;
using index::PointId;
using index::payload::PayloadSelector;
using namespace filter_parsing;

constexpr const char* kExpectedCondition =
    "Expected some form of condition, which can be a field condition (like {\"key\": ..., "
    "\"match\": ... }), or some other mentioned in the documentation: "
    "https://qdrant.tech/documentation/concepts/filtering/#filtering-conditions";

bool parse_filter_object(const json::value& v, Filter& out, Parse& p);

// `{"<name>": {"key": "<path>"}}` (is_empty / is_null).
bool parse_payload_field(const json::object& o, const char* name, JsonPath& out) {
  const json::value* field = o.if_contains(name);
  if (field == nullptr || !field->is_object()) return false;
  const json::value* key = field->get_object().if_contains("key");
  Parse ignored;
  return key != nullptr && parse_path(*key, out, ignored);
}

bool parse_point_id(const json::value& v, PointId& out) {
  if (v.is_uint64()) {
    out = PointId::from_number(v.get_uint64());
    return true;
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    out = PointId::from_number(static_cast<uint64_t>(v.get_int64()));
    return true;
  }
  if (!v.is_string()) return false;
  auto uuid = PointId::parse_uuid(v.get_string());
  if (!uuid) return false;
  out = *uuid;
  return true;
}

// The variants of a condition without "key", in Qdrant's order; false when none fits.
bool parse_untagged_condition(const json::object& o, Condition& out) {
  JsonPath key;
  if (parse_payload_field(o, "is_empty", key)) {
    out = IsEmptyCondition{std::move(key)};
    return true;
  }
  if (parse_payload_field(o, "is_null", key)) {
    out = IsNullCondition{std::move(key)};
    return true;
  }
  if (const json::value* ids = o.if_contains("has_id"); ids && ids->is_array()) {
    std::vector<PointId> parsed;
    bool ok = true;
    for (const json::value& id : ids->get_array()) {
      parsed.emplace_back();
      ok = ok && parse_point_id(id, parsed.back());
    }
    if (ok) {
      out = make_has_id(std::move(parsed));
      return true;
    }
  }
  if (const json::value* name = o.if_contains("has_vector"); name && name->is_string()) {
    out = HasVectorCondition{std::string(name->get_string())};
    return true;
  }
  if (const json::value* slice = o.if_contains("slice"); slice && slice->is_object()) {
    const json::value* total = slice->get_object().if_contains("total");
    const json::value* index = slice->get_object().if_contains("index");
    if (total && index && total->is_number() && index->is_number()) {
      auto t = as_i64(*total), i = as_i64(*index);
      if (t && i && *t >= 1 && *t <= UINT32_MAX && *i >= 0 && *i <= UINT32_MAX) {
        out = SliceCondition{static_cast<uint32_t>(*t), static_cast<uint32_t>(*i)};
        return true;
      }
    }
  }
  if (const json::value* nested = o.if_contains("nested"); nested && nested->is_object()) {
    const json::value* key_json = nested->get_object().if_contains("key");
    const json::value* filter_json = nested->get_object().if_contains("filter");
    Parse ignored;
    Filter inner;
    if (key_json && filter_json && parse_path(*key_json, key, ignored) &&
        parse_filter_object(*filter_json, inner, ignored)) {
      out = make_nested(std::move(key), std::move(inner));
      return true;
    }
  }
  Parse ignored;
  Filter inner;
  if (parse_filter_object(json::value(o), inner, ignored)) {
    out = make_filter_condition(std::move(inner));
    return true;
  }
  return false;
}

bool parse_condition(const json::value& v, Condition& out, Parse& p) {
  if (!v.is_object()) return p.fail(kExpectedCondition);
  const json::object& o = v.get_object();
  if (const json::value* key = o.if_contains("key")) {
    if (!key->is_string()) return p.fail("Filter condition 'key' must be a string");
    FieldCondition field;
    if (!parse_field_condition(o, field, p)) return false;
    out = std::move(field);
    return true;
  }
  if (!parse_untagged_condition(o, out)) return p.fail(kExpectedCondition);
  return true;
}

// `must` / `should` / `must_not`: null, one condition, or a list of them.
bool parse_clause(const json::value& v, std::optional<std::vector<Condition>>& out, Parse& p) {
  if (v.is_null()) return true;
  out.emplace();
  if (v.is_object()) {
    out->emplace_back();
    return parse_condition(v, out->back(), p);
  }
  if (!v.is_array()) return p.fail(kExpectedCondition);
  for (const json::value& c : v.get_array()) {
    out->emplace_back();
    if (!parse_condition(c, out->back(), p)) return false;
  }
  return true;
}

bool parse_min_should(const json::value& v, std::optional<MinShould>& out, Parse& p) {
  if (v.is_null()) return true;
  if (!v.is_object()) return p.fail(invalid_type(v, "struct MinShould"));
  const json::object& o = v.get_object();
  const json::value *conditions = nullptr, *min_count = nullptr;
  if (!require(o, "conditions", conditions, p) || !require(o, "min_count", min_count, p)) {
    return false;
  }
  MinShould parsed;
  if (!conditions->is_array()) return p.fail(invalid_type(*conditions, "a sequence"));
  for (const json::value& c : conditions->get_array()) {
    parsed.conditions.emplace_back();
    if (!parse_condition(c, parsed.conditions.back(), p)) return false;
  }
  uint64_t count = 0;
  if (!parse_usize(*min_count, count, p)) return false;
  parsed.min_count = count;
  out = std::move(parsed);
  return true;
}

bool parse_filter_object(const json::value& v, Filter& out, Parse& p) {
  if (!v.is_object()) return p.fail(invalid_type(v, "struct Filter"));
  for (const auto& [name, value] : v.get_object()) {
    bool ok = true;
    if (name == "must") {
      ok = parse_clause(value, out.must, p);
    } else if (name == "should") {
      ok = parse_clause(value, out.should, p);
    } else if (name == "must_not") {
      ok = parse_clause(value, out.must_not, p);
    } else if (name == "min_should") {
      ok = parse_min_should(value, out.min_should, p);
    } else {
      return p.fail("unknown field `" + std::string(name) +
                    "`, expected one of `should`, `min_should`, `must`, `must_not`");
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<Filter> parse_filter(const json::value& value, const std::string& field_name) {
  Filter filter;
  Parse p;
  if (!parse_filter_object(value, filter, p)) return Error::format(p.error);
  std::vector<std::string> violations;
  validate_filter(filter, field_name, violations);
  if (!violations.empty()) {
    std::string joined;
    for (const std::string& v : violations) joined += (joined.empty() ? "" : "; ") + v;
    return Error::validation("[" + joined + "]");
  }
  return filter;
}

Result<std::shared_ptr<const Filter>> parse_filter_json(const json::value& value,
                                                        const std::string& field_name) {
  auto filter = parse_filter(value, field_name);
  if (!filter.ok()) return filter.error();
  return std::make_shared<const Filter>(std::move(filter.value()));
}

Result<PayloadSelector> parse_payload_selector(const json::value& value,
                                               PayloadSelector default_selector) {
  const Error no_variant = Error::format(
      "Expected a boolean, an array of strings, or an object with an include/exclude field");
  if (value.is_null()) return default_selector;
  if (value.is_bool()) return value.get_bool() ? PayloadSelector::all() : PayloadSelector::none();
  auto paths = [](const json::value& list, std::vector<JsonPath>& out) {
    if (!list.is_array()) return false;
    for (const json::value& key : list.get_array()) {
      Parse p;
      out.emplace_back();
      if (!parse_path(key, out.back(), p)) return false;
    }
    return true;
  };
  PayloadSelector selector;
  if (value.is_array()) {
    selector.mode = PayloadSelector::Mode::kInclude;
    if (!paths(value, selector.paths)) return no_variant;
    return selector;
  }
  if (!value.is_object() || value.get_object().size() != 1) return no_variant;
  const json::object& o = value.get_object();
  if (const json::value* include = o.if_contains("include")) {
    selector.mode = PayloadSelector::Mode::kInclude;
    if (!paths(*include, selector.paths)) return no_variant;
    return selector;
  }
  if (const json::value* exclude = o.if_contains("exclude")) {
    selector.mode = PayloadSelector::Mode::kExclude;
    if (!paths(*exclude, selector.paths)) return no_variant;
    return selector;
  }
  return no_variant;
}

}  // namespace sextant::api
