// Builders for filter values and the payload-use query.
#include "index/filter/filter.hpp"

#include <algorithm>

namespace sextant::index::filter {

Condition make_nested(JsonPath key, Filter filter) {
  NestedCondition nested;
  nested.array_key = key.array_key();
  nested.key = std::move(key);
  nested.filter = std::make_shared<const Filter>(std::move(filter));
  return nested;
}

Condition make_filter_condition(Filter filter) {
  return FilterCondition{std::make_shared<const Filter>(std::move(filter))};
}

HasIdCondition make_has_id(std::vector<PointId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return HasIdCondition{std::move(ids)};
}

MatchSet make_string_set(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  MatchSet set;
  set.strings = std::move(values);
  return set;
}

MatchSet make_integer_set(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  MatchSet set;
  set.is_integers = true;
  set.integers = std::move(values);
  return set;
}

namespace {

bool reads_payload(const std::optional<std::vector<Condition>>& conditions);

bool reads_payload(const Condition& condition) {
  if (const auto* nested_filter = std::get_if<FilterCondition>(&condition)) {
    return filter_reads_payload(*nested_filter->filter);
  }
  return std::holds_alternative<FieldCondition>(condition) ||
         std::holds_alternative<IsEmptyCondition>(condition) ||
         std::holds_alternative<IsNullCondition>(condition) ||
         std::holds_alternative<NestedCondition>(condition);
}

bool reads_payload(const std::optional<std::vector<Condition>>& conditions) {
  if (!conditions) return false;
  return std::any_of(conditions->begin(), conditions->end(),
                     [](const Condition& c) { return reads_payload(c); });
}

}  // namespace

bool filter_reads_payload(const Filter& filter) {
  return reads_payload(filter.must) || reads_payload(filter.should) ||
         reads_payload(filter.must_not) ||
         (filter.min_should &&
          std::any_of(filter.min_should->conditions.begin(), filter.min_should->conditions.end(),
                      [](const Condition& c) { return reads_payload(c); }));
}

}  // namespace sextant::index::filter
