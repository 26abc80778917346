// Decides whether one point satisfies a Filter, with Qdrant's semantics for missing keys, nulls,
// empty arrays, type mismatches and arrays (an array passes when any element passes).
//
// The evaluator never allocates on the common paths: key paths are walked in place, match lists
// are binary-searched, datetimes are parsed without copies. It holds no state; one evaluator may
// be used from many threads.
//
// Ownership: a PointView borrows everything it points to for the duration of the call.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string_view>

#include "index/filter/filter.hpp"
#include "index/point_id.hpp"

namespace sextant::index::filter {

// Answers has_vector conditions for the point being evaluated.
class VectorPresence {
 public:
  virtual ~VectorPresence() = default;
  // True when the point carries the named vector ("" is the unnamed default vector).
  virtual bool has_vector(std::string_view vector_name) const = 0;
};

// Lets a payload index change how a field condition reads one value (Qdrant's "special check"):
// with a full-text index on the key, `match: {text}` is token-based instead of a substring test.
// Inside a nested filter the condition is passed with its full key (`items[].text`).
class IndexedFieldChecks {
 public:
  virtual ~IndexedFieldChecks() = default;
  // nullopt: no index overrides this condition; the plain payload check applies.
  virtual std::optional<bool> special_check(const FieldCondition& condition,
                                            const boost::json::value& value) const = 0;
};

struct PointView {
  PointId id;
  const boost::json::object* payload = nullptr;  // null means an empty payload
  const VectorPresence* vectors = nullptr;       // null means the point has no vectors
  // False for the array elements a nested condition checks: has_id and slice never match there
  // (as in Qdrant, which has no point id inside nested filters).
  bool has_id = true;
};

// True when the point satisfies the filter. `indexed` may be null (no payload indexes).
bool evaluate(const Filter& filter, const PointView& point,
              const IndexedFieldChecks* indexed = nullptr);

// One condition on its own (what a clause of a filter checks).
bool evaluate_condition(const Condition& condition, const PointView& point,
                        const IndexedFieldChecks* indexed = nullptr);

// A field condition against the values its key reaches in `payload` (used by nested checks and by
// payload indexes that re-check candidates).
bool check_field_condition(const FieldCondition& condition, const boost::json::object& payload,
                           const IndexedFieldChecks* indexed = nullptr);

// A field condition against one value (arrays: any element), without the missing-key rules.
bool check_field_value(const FieldCondition& condition, const boost::json::value& value);

}  // namespace sextant::index::filter
