// An ordered value -> points index, the shape shared by keyword, integer, float, bool, datetime
// and uuid indexes. A KeyTraits type says how a payload value becomes a key, which conditions the
// index answers, and how a key is shown in facets:
//
//   struct Traits {
//     using Key = ...;                                   // ordered
//     static std::optional<Key> key_of(const boost::json::value&);
//     // Keys or key ranges a condition selects; false when the index cannot answer it.
//     static bool select(const filter::FieldCondition&, const FieldSchema&, KeySelection<Key>&);
//     static boost::json::value to_json(const Key&);     // facets
//     static constexpr bool kFacets = ...;
//   };
//
// Invariants: postings_[k] is sorted and unique and never empty; values_by_point_[p] lists the
// distinct keys of p, and p is in postings_[k] exactly when k is in values_by_point_[p].
#pragma once

#include <algorithm>
#include <map>
#include <unordered_map>

#include "index/payload_index/field_index.hpp"

namespace sextant::index::payload_index {

// What a condition selects from a value index: explicit keys, or one key range whose ends are
// checked by `in_range` (lower/upper give the map position to start from).
template <typename Key>
struct KeySelection {
  std::vector<Key> keys;
  bool is_range = false;
  std::optional<Key> range_start;               // first key to look at (lower_bound)
  std::function<bool(const Key&)> below_range;  // key still before the range: skip
  std::function<bool(const Key&)> past_range;   // key after the range: stop
};

template <typename Traits>
class ValueIndex final : public FieldIndex {
 public:
  using Key = typename Traits::Key;

  explicit ValueIndex(FieldSchema schema) : schema_(std::move(schema)) {}

  void add(uint32_t offset, const std::vector<const boost::json::value*>& values) override {
    remove(offset);
    std::vector<Key> keys;
    for (const boost::json::value* value : values) {
      if (auto key = Traits::key_of(*value)) keys.push_back(std::move(*key));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    if (keys.empty()) return;
    for (const Key& key : keys) {
      std::vector<uint32_t>& posting = postings_[key];
      auto at = std::lower_bound(posting.begin(), posting.end(), offset);
      posting.insert(at, offset);
    }
    values_by_point_[offset] = std::move(keys);
  }

  void remove(uint32_t offset) override {
    auto it = values_by_point_.find(offset);
    if (it == values_by_point_.end()) return;
    for (const Key& key : it->second) {
      auto posting = postings_.find(key);
      if (posting == postings_.end()) continue;
      auto& offsets = posting->second;
      auto at = std::lower_bound(offsets.begin(), offsets.end(), offset);
      if (at != offsets.end() && *at == offset) offsets.erase(at);
      if (offsets.empty()) postings_.erase(posting);
    }
    values_by_point_.erase(it);
  }

  uint64_t points_count() const override { return values_by_point_.size(); }

  std::optional<Candidates> candidates(const filter::FieldCondition& condition) const override {
    KeySelection<Key> selection;
    if (!Traits::select(condition, schema_, selection)) return std::nullopt;
    Candidates result;
    for_each_posting(selection, [&](const std::vector<uint32_t>& posting) {
      result.offsets.insert(result.offsets.end(), posting.begin(), posting.end());
    });
    std::sort(result.offsets.begin(), result.offsets.end());
    result.offsets.erase(std::unique(result.offsets.begin(), result.offsets.end()),
                         result.offsets.end());
    return result;
  }

  std::optional<Cardinality> estimate(const filter::FieldCondition& condition) const override {
    auto selected = candidates(condition);
    if (!selected) return std::nullopt;
    return Cardinality::exact(selected->offsets.size());
  }

  std::optional<std::vector<FacetHit>> facet(
      const std::function<bool(uint32_t)>* accept) const override {
    if constexpr (!Traits::kFacets) {
      (void)accept;
      return std::nullopt;
    } else {
      std::vector<FacetHit> hits;
      for (const auto& [key, posting] : postings_) {
        uint64_t count = 0;
        if (accept == nullptr) {
          count = posting.size();
        } else {
          for (uint32_t offset : posting) count += (*accept)(offset);
        }
        if (count > 0) hits.push_back({Traits::to_json(key), count});
      }
      // Most frequent first; ties keep the key order.
      std::stable_sort(hits.begin(), hits.end(),
                       [](const FacetHit& a, const FacetHit& b) { return a.count > b.count; });
      return hits;
    }
  }

 private:
  template <typename F>
  void for_each_posting(const KeySelection<Key>& selection, F&& f) const {
    if (!selection.is_range) {
      for (const Key& key : selection.keys) {
        auto it = postings_.find(key);
        if (it != postings_.end()) f(it->second);
      }
      return;
    }
    auto it =
        selection.range_start ? postings_.lower_bound(*selection.range_start) : postings_.begin();
    for (; it != postings_.end(); ++it) {
      if (selection.past_range && selection.past_range(it->first)) break;
      if (selection.below_range && selection.below_range(it->first)) continue;
      f(it->second);
    }
  }

  FieldSchema schema_;
  std::map<Key, std::vector<uint32_t>> postings_;
  std::unordered_map<uint32_t, std::vector<Key>> values_by_point_;
};

}  // namespace sextant::index::payload_index
