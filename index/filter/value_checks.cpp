// Field conditions against single payload values: Qdrant's per-type rules for match, range,
// geo, values_count, is_empty and is_null, and the missing-key rules of check_field_condition.
#include <algorithm>
#include <cstring>
#include <limits>

#include "index/filter/datetime.hpp"
#include "index/filter/evaluator.hpp"
#include "index/filter/geo.hpp"

namespace sextant::index::filter {
namespace {

namespace json = boost::json;

// A JSON integer that fits int64 (floats such as 1.0 are not integers, as in Qdrant).
std::optional<int64_t> as_int64(const json::value& value) {
  if (const int64_t* i = value.if_int64()) return *i;
  if (const uint64_t* u = value.if_uint64()) {
    if (*u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(*u);
    }
  }
  return std::nullopt;
}

bool set_contains(const MatchSet& set, const json::string& stored) {
  std::string_view key(stored.data(), stored.size());
  return std::binary_search(set.strings.begin(), set.strings.end(), key,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

bool set_contains(const MatchSet& set, int64_t stored) {
  return std::binary_search(set.integers.begin(), set.integers.end(), stored);
}

bool contains_text(std::string_view stored, std::string_view needle) {
  return stored.find(needle) != std::string_view::npos;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// text_any without an index: some whitespace-separated query token is a substring.
bool contains_any_token(std::string_view stored, std::string_view query) {
  size_t pos = 0;
  while (pos < query.size()) {
    while (pos < query.size() && is_space(query[pos])) ++pos;
    size_t start = pos;
    while (pos < query.size() && !is_space(query[pos])) ++pos;
    if (pos > start && contains_text(stored, query.substr(start, pos - start))) return true;
  }
  return false;
}

bool check_match(const Match& match, const json::value& value) {
  const json::string* stored_string = value.if_string();
  switch (match.kind) {
    case Match::Kind::kValue:
      if (const auto* keyword = std::get_if<std::string>(&match.value)) {
        return stored_string != nullptr && std::string_view(*stored_string) == *keyword;
      }
      if (const auto* integer = std::get_if<int64_t>(&match.value)) {
        auto stored = as_int64(value);
        return stored && *stored == *integer;
      }
      return value.is_bool() && value.get_bool() == std::get<bool>(match.value);
    case Match::Kind::kText:
    case Match::Kind::kPhrase:
      return stored_string != nullptr && contains_text(*stored_string, match.text);
    case Match::Kind::kTextAny:
      return stored_string != nullptr && contains_any_token(*stored_string, match.text);
    case Match::Kind::kPrefix:
      return stored_string != nullptr && std::string_view(*stored_string).starts_with(match.text);
    case Match::Kind::kAny:
      if (match.set.is_integers) {
        auto stored = as_int64(value);
        return stored && set_contains(match.set, *stored);
      }
      return stored_string != nullptr && set_contains(match.set, *stored_string);
    case Match::Kind::kExcept:
      if (value.is_null()) return false;
      if (match.set.is_integers) {
        if (value.is_number()) {
          auto stored = as_int64(value);
          return !stored || !set_contains(match.set, *stored);
        }
        return true;
      }
      if (stored_string != nullptr) return !set_contains(match.set, *stored_string);
      return true;
  }
  return false;
}

bool check_range(const RangeCondition& range, const json::value& value) {
  if (range.is_datetime) {
    const json::string* stored = value.if_string();
    if (stored == nullptr) return false;
    auto micros = parse_datetime_micros(*stored);
    return micros && range.datetime_micros.contains(*micros);
  }
  if (!value.is_number()) return false;
  return range.numbers.contains(value.to_number<double>());
}

uint64_t values_count_of(const json::value& value) {
  if (value.is_null()) return 0;
  if (const json::array* array = value.if_array()) return array->size();
  return 1;
}

bool check_is_empty_value(bool is_empty, const json::value& value) {
  if (value.is_null()) return is_empty;
  if (const json::array* array = value.if_array()) return array->empty() == is_empty;
  return !is_empty;
}

bool check_is_null_value(bool is_null, const json::value& value) {
  if (value.is_null()) return is_null;
  if (const json::array* array = value.if_array()) {
    bool any_null = std::any_of(array->begin(), array->end(),
                                [](const json::value& element) { return element.is_null(); });
    return any_null == is_null;
  }
  return !is_null;
}

// One non-array value (or an array nested inside an array, which is not flattened).
bool check_scalar(const FieldCondition& condition, const json::value& value) {
  if (condition.match && check_match(*condition.match, value)) return true;
  if (condition.range && check_range(*condition.range, value)) return true;
  if (condition.geo_bounding_box || condition.geo_radius || condition.geo_polygon) {
    if (auto point = geo_point_from_json(value)) {
      if (condition.geo_bounding_box && geo_contains(*condition.geo_bounding_box, *point))
        return true;
      if (condition.geo_radius && geo_contains(*condition.geo_radius, *point)) return true;
      if (condition.geo_polygon && geo_contains(*condition.geo_polygon, *point)) return true;
    }
  }
  if (condition.values_count && condition.values_count->contains(values_count_of(value)))
    return true;
  if (condition.is_empty && check_is_empty_value(*condition.is_empty, value)) return true;
  if (condition.is_null && check_is_null_value(*condition.is_null, value)) return true;
  return false;
}

// What a field condition answers when its key reaches no value at all.
bool check_missing(const FieldCondition& condition) {
  if (condition.values_count) return condition.values_count->contains(0);
  if (condition.is_empty) return *condition.is_empty;
  if (condition.is_null) return !*condition.is_null;
  return false;
}

}  // namespace

bool check_field_value(const FieldCondition& condition, const json::value& value) {
  if (condition.values_count) return condition.values_count->contains(values_count_of(value));
  if (condition.is_empty) return check_is_empty_value(*condition.is_empty, value);
  if (condition.is_null) return check_is_null_value(*condition.is_null, value);
  if (const json::array* array = value.if_array()) {
    return std::any_of(array->begin(), array->end(), [&](const json::value& element) {
      return check_scalar(condition, element);
    });
  }
  return check_scalar(condition, value);
}

bool check_field_condition(const FieldCondition& condition, const json::object& payload,
                           const IndexedFieldChecks* indexed) {
  bool any_value = false;
  bool matched = false;
  payload::for_each_value(condition.key, payload, [&](const json::value& value) {
    any_value = true;
    std::optional<bool> special;
    if (indexed != nullptr) special = indexed->special_check(condition, value);
    matched = special ? *special : check_field_value(condition, value);
    return !matched;
  });
  if (!any_value) return check_missing(condition);
  return matched;
}

}  // namespace sextant::index::filter
