// Cardinality estimation and candidate selection for whole filters (see filter_estimation.hpp).
#include "index/payload_index/filter_estimation.hpp"

#include <algorithm>

namespace sextant::index::payload_index {
namespace {

using filter::Condition;
using filter::Filter;

Cardinality estimate_condition(const Condition& condition, uint64_t total,
                               const IndexLookup& lookup) {
  if (const auto* field = std::get_if<filter::FieldCondition>(&condition)) {
    if (const FieldIndex* index = lookup(*field)) {
      if (auto estimate = index->estimate(*field)) {
        estimate->min = std::min(estimate->min, total);
        estimate->expected = std::min(estimate->expected, total);
        estimate->max = std::min(estimate->max, total);
        return *estimate;
      }
    }
    return Cardinality::unknown(total);
  }
  if (const auto* ids = std::get_if<filter::HasIdCondition>(&condition)) {
    uint64_t n = std::min<uint64_t>(ids->ids.size(), total);
    return {0, n, n};
  }
  if (const auto* inner = std::get_if<filter::FilterCondition>(&condition)) {
    return estimate_filter(*inner->filter, total, lookup);
  }
  if (const auto* slice = std::get_if<filter::SliceCondition>(&condition)) {
    uint64_t share = total / slice->total;
    return {0, share, total};
  }
  return Cardinality::unknown(total);
}

std::vector<Cardinality> estimate_all(const std::vector<Condition>& conditions, uint64_t total,
                                      const IndexLookup& lookup) {
  std::vector<Cardinality> parts;
  parts.reserve(conditions.size());
  for (const Condition& c : conditions) parts.push_back(estimate_condition(c, total, lookup));
  return parts;
}

std::optional<Candidates> condition_candidates(const Condition& condition,
                                               const IndexLookup& lookup) {
  if (const auto* field = std::get_if<filter::FieldCondition>(&condition)) {
    const FieldIndex* index = lookup(*field);
    return index == nullptr ? std::nullopt : index->candidates(*field);
  }
  if (const auto* inner = std::get_if<filter::FilterCondition>(&condition)) {
    return filter_candidates(*inner->filter, lookup);
  }
  return std::nullopt;
}

Candidates intersect(Candidates a, const Candidates& b) {
  std::vector<uint32_t> both;
  std::set_intersection(a.offsets.begin(), a.offsets.end(), b.offsets.begin(), b.offsets.end(),
                        std::back_inserter(both));
  return {std::move(both), a.exact && b.exact};
}

// The union of every condition's candidates; nullopt when one of them has none.
std::optional<Candidates> unite(const std::vector<Condition>& conditions,
                                const IndexLookup& lookup) {
  Candidates result;
  for (const Condition& c : conditions) {
    auto part = condition_candidates(c, lookup);
    if (!part) return std::nullopt;
    result.exact = result.exact && part->exact;
    std::vector<uint32_t> merged;
    std::set_union(result.offsets.begin(), result.offsets.end(), part->offsets.begin(),
                   part->offsets.end(), std::back_inserter(merged));
    result.offsets = std::move(merged);
  }
  return result;
}

}  // namespace

Cardinality combine_must(const std::vector<Cardinality>& parts, uint64_t total) {
  if (parts.empty()) return Cardinality::exact(total);
  if (total == 0) return Cardinality::exact(0);
  // Lower bound: what is left after each part excludes its complement.
  int64_t min = static_cast<int64_t>(total);
  double expected_ratio = 1.0;
  uint64_t max = total;
  for (const Cardinality& part : parts) {
    min -= static_cast<int64_t>(total - part.min);
    expected_ratio *= static_cast<double>(part.expected) / static_cast<double>(total);
    max = std::min(max, part.max);
  }
  uint64_t expected = static_cast<uint64_t>(expected_ratio * static_cast<double>(total));
  Cardinality result{static_cast<uint64_t>(std::max<int64_t>(min, 0)), expected, max};
  result.expected = std::clamp(result.expected, result.min, result.max);
  return result;
}

Cardinality combine_should(const std::vector<Cardinality>& parts, uint64_t total) {
  if (parts.empty()) return Cardinality::exact(0);
  if (total == 0) return Cardinality::exact(0);
  uint64_t min = 0, max = 0;
  double miss_ratio = 1.0;
  for (const Cardinality& part : parts) {
    min = std::max(min, part.min);
    max = std::min(total, max + part.max);
    miss_ratio *= 1.0 - static_cast<double>(part.expected) / static_cast<double>(total);
  }
  uint64_t expected = static_cast<uint64_t>((1.0 - miss_ratio) * static_cast<double>(total));
  return {min, std::clamp(expected, min, max), max};
}

Cardinality invert(const Cardinality& c, uint64_t total) {
  return {total - std::min(c.max, total), total - std::min(c.expected, total),
          total - std::min(c.min, total)};
}

Cardinality estimate_filter(const Filter& filter, uint64_t total, const IndexLookup& lookup) {
  std::vector<Cardinality> parts;
  if (filter.should)
    parts.push_back(combine_should(estimate_all(*filter.should, total, lookup), total));
  if (filter.min_should) {
    std::vector<Cardinality> options = estimate_all(filter.min_should->conditions, total, lookup);
    Cardinality any = combine_should(options, total);
    // At least min_count of them: no more than the should-union, at least nothing.
    parts.push_back(
        {0, filter.min_should->min_count <= 1 ? any.expected : any.expected / 2, any.max});
  }
  if (filter.must) {
    for (const Cardinality& c : estimate_all(*filter.must, total, lookup)) parts.push_back(c);
  }
  if (filter.must_not) {
    for (const Cardinality& c : estimate_all(*filter.must_not, total, lookup)) {
      parts.push_back(invert(c, total));
    }
  }
  return combine_must(parts, total);
}

std::optional<Candidates> filter_candidates(const Filter& filter, const IndexLookup& lookup) {
  std::vector<Candidates> sets;
  bool exact = true;
  if (filter.must) {
    for (const Condition& c : *filter.must) {
      if (auto part = condition_candidates(c, lookup)) {
        sets.push_back(std::move(*part));
      } else {
        exact = false;
      }
    }
  }
  if (filter.should) {
    if (auto part = unite(*filter.should, lookup)) {
      sets.push_back(std::move(*part));
    } else {
      exact = false;
    }
  }
  if (filter.min_should) {
    if (auto part = unite(filter.min_should->conditions, lookup)) {
      part->exact = part->exact && filter.min_should->min_count <= 1;
      sets.push_back(std::move(*part));
    } else {
      exact = false;
    }
  }
  if (filter.must_not && !filter.must_not->empty()) exact = false;
  if (sets.empty()) return std::nullopt;
  std::sort(sets.begin(), sets.end(), [](const Candidates& a, const Candidates& b) {
    return a.offsets.size() < b.offsets.size();
  });
  Candidates result = std::move(sets.front());
  for (size_t i = 1; i < sets.size(); ++i) result = intersect(std::move(result), sets[i]);
  result.exact = result.exact && exact;
  return result;
}

}  // namespace sextant::index::payload_index
