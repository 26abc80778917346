// VisitedSet: which nodes a search has already seen, reset in O(1) between searches.
//
// Each slot holds the epoch in which its node was last visited; starting a new search bumps the
// epoch, so nothing needs clearing except once every 65535 searches. One instance per thread is
// reused by every search on that thread (thread_local_visited_set), so searches allocate nothing
// once the set has grown to the graph's capacity.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sextant::index {

class VisitedSet {
 public:
  // Prepares for a search over offsets < capacity.
  void begin(uint32_t capacity) {
    if (tags_.size() < capacity) tags_.resize(capacity, 0);
    if (++epoch_ == 0) {
      std::fill(tags_.begin(), tags_.end(), 0);
      epoch_ = 1;
    }
  }
  // Marks `node` visited; returns true if it already was.
  bool test_and_set(uint32_t node) {
    uint16_t& tag = tags_[node];
    if (tag == epoch_) return true;
    tag = epoch_;
    return false;
  }
  bool test(uint32_t node) const { return tags_[node] == epoch_; }
  // Marks the `count` nodes of `nodes` visited and writes those that were not, in their order, to
  // `unvisited` (room for `count`); returns how many. Branch-free: whether a neighbour was seen
  // is unpredictable, and without a branch on it the tag loads of a whole list overlap.
  uint32_t mark_unvisited(const uint32_t* nodes, uint32_t count, uint32_t* unvisited) {
    uint16_t* const tags = tags_.data();
    const uint16_t epoch = epoch_;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t node = nodes[i];
      const bool seen = tags[node] == epoch;
      tags[node] = epoch;
      unvisited[kept] = node;
      kept += seen ? 0 : 1;
    }
    return kept;
  }
  const uint16_t* tag_address(uint32_t node) const { return tags_.data() + node; }

 private:
  std::vector<uint16_t> tags_;
  uint16_t epoch_ = 0;
};

inline VisitedSet& thread_local_visited_set() {
  thread_local VisitedSet set;
  return set;
}

}  // namespace sextant::index
