// The typed filter AST: Qdrant's whole filter language as plain values, built by
// api/parse/filter_parser and read by the evaluator, the payload indexes and the query planner.
//
// Filter semantics (as Qdrant):
//   must      absent or [] -> true; otherwise every condition holds
//   should    absent -> true; [] -> false; otherwise at least one condition holds
//   must_not  absent or [] -> true; otherwise no condition holds
//   min_should at least min_count of its conditions hold (min_count >= 1 by validation)
// All present clauses must hold.
//
// Invariants (established by the parser, relied on by the evaluator):
//   - MatchSet::strings / integers are sorted and deduplicated (binary search, no allocation).
//   - HasIdCondition::ids is sorted and deduplicated.
//   - SliceCondition::total >= 1 and index < total.
//   - GeoPolygon rings have >= 4 points and are closed.
//   - A FieldCondition has at least one of its checks set.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "index/payload/json_path.hpp"
#include "index/point_id.hpp"

namespace sextant::index::filter {

using payload::JsonPath;

// `match: {value: ...}`: exact keyword, integer or bool.
using MatchValue = std::variant<std::string, int64_t, bool>;

// The list of `match: {any: [...]}` / `{except: [...]}`. An empty JSON list is a string list,
// as in Qdrant (so `except: []` on a number is true and `any: []` matches nothing).
struct MatchSet {
  bool is_integers = false;
  std::vector<std::string> strings;  // sorted, unique
  std::vector<int64_t> integers;     // sorted, unique
  size_t size() const { return is_integers ? integers.size() : strings.size(); }
};

struct Match {
  enum class Kind { kValue, kText, kTextAny, kPhrase, kPrefix, kAny, kExcept };
  Kind kind = Kind::kValue;
  MatchValue value;  // kValue
  std::string text;  // kText, kTextAny, kPhrase, kPrefix
  MatchSet set;      // kAny, kExcept
};

// Each bound is optional; a value passes when it satisfies every present bound.
template <typename T>
struct RangeBounds {
  std::optional<T> lt, gt, gte, lte;
  bool contains(T x) const {
    return (!lt || x < *lt) && (!gt || x > *gt) && (!lte || x <= *lte) && (!gte || x >= *gte);
  }
  bool empty() const { return !lt && !gt && !gte && !lte; }
};

// `range` on numbers, or on datetimes when any bound is a string (microseconds since the epoch,
// UTC). A datetime range matches payload strings that parse as datetimes.
struct RangeCondition {
  bool is_datetime = false;
  RangeBounds<double> numbers;
  RangeBounds<int64_t> datetime_micros;
};

struct GeoPoint {
  double lon = 0;
  double lat = 0;
};

struct GeoBoundingBox {
  GeoPoint top_left;
  GeoPoint bottom_right;
};

struct GeoRadius {
  GeoPoint center;
  double radius_meters = 0;
};

// Exterior ring plus holes; every ring is closed (first point == last point).
struct GeoPolygon {
  std::vector<GeoPoint> exterior;
  std::vector<std::vector<GeoPoint>> interiors;
};

using ValuesCount = RangeBounds<uint64_t>;

// `{key, match | range | geo_* | values_count | is_empty | is_null}`. Several checks may be set at
// once; as in Qdrant, values_count, then is_empty, then is_null take precedence, otherwise a value
// passes when any of the set checks passes on it (or on any element, for arrays).
struct FieldCondition {
  JsonPath key;
  std::optional<Match> match;
  std::optional<RangeCondition> range;
  std::optional<GeoBoundingBox> geo_bounding_box;
  std::optional<GeoRadius> geo_radius;
  std::optional<GeoPolygon> geo_polygon;
  std::optional<ValuesCount> values_count;
  std::optional<bool> is_empty;
  std::optional<bool> is_null;
};

// `{is_empty: {key}}`: true when the key is missing, null, [] (or every value reached is).
struct IsEmptyCondition {
  JsonPath key;
};

// `{is_null: {key}}`: true when some value reached is JSON null.
struct IsNullCondition {
  JsonPath key;
};

struct HasIdCondition {
  std::vector<PointId> ids;  // sorted, unique
  bool contains(const PointId& id) const;
};

struct HasVectorCondition {
  std::string vector_name;  // "" is the unnamed default vector
};

// `{slice: {total, index}}`: SipHash-2-4 (zero key) of the id's canonical bytes mod total == index.
struct SliceCondition {
  uint32_t total = 1;
  uint32_t index = 0;
};

struct Filter;

// `{nested: {key, filter}}`: some object of the array at `key[]` satisfies `filter` on its own.
// `key` is stored as written; `array_key` is `key` with `[]` appended when missing.
struct NestedCondition {
  JsonPath key;
  JsonPath array_key;
  std::shared_ptr<const Filter> filter;
};

// A filter used as a condition (nesting must/should/... inside a clause).
struct FilterCondition {
  std::shared_ptr<const Filter> filter;
};

using Condition =
    std::variant<FieldCondition, IsEmptyCondition, IsNullCondition, HasIdCondition,
                 HasVectorCondition, SliceCondition, NestedCondition, FilterCondition>;

struct MinShould {
  std::vector<Condition> conditions;
  size_t min_count = 1;
};

struct Filter {
  std::optional<std::vector<Condition>> must;
  std::optional<std::vector<Condition>> should;
  std::optional<std::vector<Condition>> must_not;
  std::optional<MinShould> min_should;
};

// Builders for code (tests, planner) that makes filters without JSON.
Condition make_nested(JsonPath key, Filter filter);
Condition make_filter_condition(Filter filter);
HasIdCondition make_has_id(std::vector<PointId> ids);
MatchSet make_string_set(std::vector<std::string> values);
MatchSet make_integer_set(std::vector<int64_t> values);

// True when evaluating the filter can read the payload (any field / is_empty / is_null / nested
// condition). Id- and vector-only filters let callers skip loading the payload.
bool filter_reads_payload(const Filter& filter);

}  // namespace sextant::index::filter
