// Filter-level planning helpers over field indexes: cardinality estimation (combining per-
// condition estimates the way Qdrant's planner does) and candidate offsets (intersecting must,
// uniting should). A condition without an index is "unknown": 0 .. total, expected total / 2.
#pragma once

#include <functional>
#include <optional>

#include "index/filter/filter.hpp"
#include "index/payload_index/field_index.hpp"

namespace sextant::index::payload_index {

// The index that serves a field condition's key, or null.
using IndexLookup = std::function<const FieldIndex*(const filter::FieldCondition&)>;

Cardinality estimate_filter(const filter::Filter& filter, uint64_t total,
                            const IndexLookup& lookup);

// nullopt when no clause can be narrowed by an index.
std::optional<Candidates> filter_candidates(const filter::Filter& filter,
                                            const IndexLookup& lookup);

// Estimate combinators (exposed for tests).
Cardinality combine_must(const std::vector<Cardinality>& parts, uint64_t total);
Cardinality combine_should(const std::vector<Cardinality>& parts, uint64_t total);
Cardinality invert(const Cardinality& c, uint64_t total);

}  // namespace sextant::index::payload_index
