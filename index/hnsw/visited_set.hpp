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
