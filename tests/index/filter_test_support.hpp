// Small builders so evaluator tests read like the JSON filters of Qdrant's documentation
// without depending on the api/ parser.
#pragma once

#include <boost/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index/filter/evaluator.hpp"
#include "index/filter/filter.hpp"

namespace sextant::index::filter::testing {

inline JsonPath path(const std::string& text) { return *JsonPath::parse(text); }

inline FieldCondition field(const std::string& key) {
  FieldCondition c;
  c.key = path(key);
  return c;
}

inline FieldCondition match_value(const std::string& key, MatchValue value) {
  FieldCondition c = field(key);
  Match m;
  m.kind = Match::Kind::kValue;
  m.value = std::move(value);
  c.match = m;
  return c;
}

inline FieldCondition match_keyword(const std::string& key, const std::string& value) {
  return match_value(key, MatchValue(std::string(value)));
}

inline FieldCondition match_text(const std::string& key, Match::Kind kind, std::string text) {
  FieldCondition c = field(key);
  Match m;
  m.kind = kind;
  m.text = std::move(text);
  c.match = m;
  return c;
}

inline FieldCondition match_set(const std::string& key, Match::Kind kind, MatchSet set) {
  FieldCondition c = field(key);
  Match m;
  m.kind = kind;
  m.set = std::move(set);
  c.match = m;
  return c;
}

inline FieldCondition number_range(const std::string& key, RangeBounds<double> bounds) {
  FieldCondition c = field(key);
  RangeCondition r;
  r.numbers = bounds;
  c.range = r;
  return c;
}

inline Filter must(std::vector<Condition> conditions) {
  Filter f;
  f.must = std::move(conditions);
  return f;
}

inline Filter should(std::vector<Condition> conditions) {
  Filter f;
  f.should = std::move(conditions);
  return f;
}

inline Filter must_not(std::vector<Condition> conditions) {
  Filter f;
  f.must_not = std::move(conditions);
  return f;
}

// A point set: (numeric id, payload JSON text).
class Points {
 public:
  void add(uint64_t id, const char* payload_json) {
    points_.emplace_back(id, boost::json::parse(payload_json).as_object());
  }
  // Ids of the points the filter accepts, in insertion order.
  std::vector<uint64_t> matching(const Filter& filter,
                                 const IndexedFieldChecks* indexed = nullptr) const {
    std::vector<uint64_t> ids;
    for (const auto& [id, payload] : points_) {
      PointView view;
      view.id = PointId::from_number(id);
      view.payload = &payload;
      if (evaluate(filter, view, indexed)) ids.push_back(id);
    }
    return ids;
  }

 private:
  std::vector<std::pair<uint64_t, boost::json::object>> points_;
};

// Whether `filter` accepts a point whose payload is the given JSON object text.
inline bool accepts(const Filter& filter, const char* payload_json, uint64_t id = 1) {
  boost::json::object payload = boost::json::parse(payload_json).as_object();
  PointView view;
  view.id = PointId::from_number(id);
  view.payload = &payload;
  return evaluate(filter, view);
}

inline bool accepts(const Condition& condition, const char* payload_json) {
  return accepts(must({condition}), payload_json);
}

}  // namespace sextant::index::filter::testing
