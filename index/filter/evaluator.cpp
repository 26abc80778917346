// Walks a Filter for one point: clause logic (must / should / must_not / min_should) and the
// conditions that need more than one payload value (is_empty, is_null, has_id, has_vector, slice,
// nested).
#include "index/filter/evaluator.hpp"

#include <algorithm>

#include "index/filter/slice_hash.hpp"

namespace sextant::index::filter {
namespace {

namespace json = boost::json;

const json::object& empty_object() {
  static const json::object kEmpty;
  return kEmpty;
}

bool is_empty_at(const JsonPath& key, const json::object& payload) {
  bool empty = true;
  payload::for_each_value(key, payload, [&](const json::value& value) {
    const json::array* array = value.if_array();
    empty = value.is_null() || (array != nullptr && array->empty());
    return empty;
  });
  return empty;
}

bool is_null_at(const JsonPath& key, const json::object& payload) {
  bool found_null = false;
  payload::for_each_value(key, payload, [&](const json::value& value) {
    found_null = value.is_null();
    return !found_null;
  });
  return found_null;
}

// Inside a nested filter, keys are relative to the array element: an index on `items[].text`
// serves the condition on `text` in `nested: {key: "items"}`.
class NestedIndexedChecks final : public IndexedFieldChecks {
 public:
  NestedIndexedChecks(const IndexedFieldChecks& outer, const JsonPath& array_key)
      : outer_(outer), array_key_(array_key) {}

  std::optional<bool> special_check(const FieldCondition& condition,
                                    const json::value& value) const override {
    if (!condition.match) return std::nullopt;  // only text matches have index-specific rules
    FieldCondition outer_condition;
    outer_condition.key = array_key_.extend(condition.key);
    outer_condition.match = condition.match;
    return outer_.special_check(outer_condition, value);
  }

 private:
  const IndexedFieldChecks& outer_;
  const JsonPath& array_key_;
};

// Nested conditions check each object of the array on its own, without the point's id or vectors.
bool nested_matches(const NestedCondition& nested, const json::object& payload,
                    const IndexedFieldChecks* indexed) {
  std::optional<NestedIndexedChecks> nested_indexed;
  if (indexed != nullptr) nested_indexed.emplace(*indexed, nested.array_key);
  const IndexedFieldChecks* inner_indexed = nested_indexed ? &*nested_indexed : nullptr;
  bool matched = false;
  payload::for_each_value(nested.array_key, payload, [&](const json::value& element) {
    const json::object* object = element.if_object();
    if (object == nullptr) return true;
    PointView inner;
    inner.payload = object;
    inner.has_id = false;
    matched = evaluate(*nested.filter, inner, inner_indexed);
    return !matched;
  });
  return matched;
}

bool evaluate_all(const std::vector<Condition>& conditions, const PointView& point,
                  const IndexedFieldChecks* indexed) {
  for (const Condition& condition : conditions) {
    if (!evaluate_condition(condition, point, indexed)) return false;
  }
  return true;
}

bool evaluate_any(const std::vector<Condition>& conditions, const PointView& point,
                  const IndexedFieldChecks* indexed) {
  for (const Condition& condition : conditions) {
    if (evaluate_condition(condition, point, indexed)) return true;
  }
  return false;
}

bool evaluate_none(const std::vector<Condition>& conditions, const PointView& point,
                   const IndexedFieldChecks* indexed) {
  for (const Condition& condition : conditions) {
    if (evaluate_condition(condition, point, indexed)) return false;
  }
  return true;
}

bool evaluate_min_should(const MinShould& min_should, const PointView& point,
                         const IndexedFieldChecks* indexed) {
  size_t passed = 0;
  for (const Condition& condition : min_should.conditions) {
    if (passed >= min_should.min_count) break;
    if (evaluate_condition(condition, point, indexed)) ++passed;
  }
  return passed >= min_should.min_count;
}

}  // namespace

bool HasIdCondition::contains(const PointId& id) const {
  return std::binary_search(ids.begin(), ids.end(), id);
}

bool evaluate(const Filter& filter, const PointView& point, const IndexedFieldChecks* indexed) {
  if (filter.should && !evaluate_any(*filter.should, point, indexed)) return false;
  if (filter.min_should && !evaluate_min_should(*filter.min_should, point, indexed)) return false;
  if (filter.must && !evaluate_all(*filter.must, point, indexed)) return false;
  if (filter.must_not && !evaluate_none(*filter.must_not, point, indexed)) return false;
  return true;
}

bool evaluate_condition(const Condition& condition, const PointView& point,
                        const IndexedFieldChecks* indexed) {
  const json::object& payload = point.payload != nullptr ? *point.payload : empty_object();
  struct Visitor {
    const PointView& point;
    const json::object& payload;
    const IndexedFieldChecks* indexed;

    bool operator()(const FieldCondition& c) const {
      return check_field_condition(c, payload, indexed);
    }
    bool operator()(const IsEmptyCondition& c) const { return is_empty_at(c.key, payload); }
    bool operator()(const IsNullCondition& c) const { return is_null_at(c.key, payload); }
    bool operator()(const HasIdCondition& c) const { return point.has_id && c.contains(point.id); }
    bool operator()(const HasVectorCondition& c) const {
      return point.vectors != nullptr && point.vectors->has_vector(c.vector_name);
    }
    bool operator()(const SliceCondition& c) const {
      return point.has_id && in_slice(point.id, c.total, c.index);
    }
    bool operator()(const NestedCondition& c) const { return nested_matches(c, payload, indexed); }
    bool operator()(const FilterCondition& c) const { return evaluate(*c.filter, point, indexed); }
  };
  return std::visit(Visitor{point, payload, indexed}, condition);
}

}  // namespace sextant::index::filter
