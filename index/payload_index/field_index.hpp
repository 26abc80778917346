// One payload index over one key path: what it holds per point, which points a condition selects
// and how many. Implementations: value_index (keyword, integer, float, bool, datetime, uuid),
// geo_index, text_index. Offsets are the collection's internal uint32 point ids.
//
// Invariants: a point is indexed under the values its key path reaches in its payload at the last
// add(); remove() forgets it entirely. Candidate lists are sorted and unique.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "index/filter/filter.hpp"
#include "index/payload_index/field_schema.hpp"

namespace sextant::index::payload_index {

// Points a condition or filter selects, as a range: min <= expected <= max.
struct Cardinality {
  uint64_t min = 0;
  uint64_t expected = 0;
  uint64_t max = 0;
  static Cardinality exact(uint64_t n) { return {n, n, n}; }
  static Cardinality unknown(uint64_t total) { return {0, total / 2, total}; }
};

// Offsets a condition may select. When `exact` is false the list is a superset and each offset
// must still be checked against the condition.
struct Candidates {
  std::vector<uint32_t> offsets;
  bool exact = true;
};

// A facet bucket: a payload value and how many points carry it.
struct FacetHit {
  boost::json::value value;
  uint64_t count = 0;
};

class FieldIndex {
 public:
  virtual ~FieldIndex() = default;

  // Indexes `values` (each value the key path reaches; arrays are flattened one level) for the
  // point, replacing what was indexed for it before.
  virtual void add(uint32_t offset, const std::vector<const boost::json::value*>& values) = 0;
  virtual void remove(uint32_t offset) = 0;
  // Points with at least one indexed value.
  virtual uint64_t points_count() const = 0;

  // nullopt: this index cannot answer the condition (the caller scans instead).
  virtual std::optional<Candidates> candidates(const filter::FieldCondition& condition) const = 0;
  virtual std::optional<Cardinality> estimate(const filter::FieldCondition& condition) const = 0;

  // Overrides the payload check for one value (full-text matching); nullopt means "no override".
  virtual std::optional<bool> special_check(const filter::FieldCondition&,
                                            const boost::json::value&) const {
    return std::nullopt;
  }

  // Value counts over the points `accept` admits (all when null); only keyword, integer, bool
  // and uuid indexes facet. nullopt when this index type does not.
  virtual std::optional<std::vector<FacetHit>> facet(
      const std::function<bool(uint32_t)>* accept) const {
    (void)accept;
    return std::nullopt;
  }
};

}  // namespace sextant::index::payload_index
