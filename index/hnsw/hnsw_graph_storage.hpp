// The memory of an HnswGraph (private to index/hnsw): flat level-0 link slots, per-node upper
// links, levels, tombstones, and the locks that let inserts run in parallel.
//
// Invariants: level0 holds capacity * level0_stride words; levels[i] == -1 iff offset i is not in
// the graph; upper[i] is non-null iff levels[i] >= 1 and holds levels[i] * upper_stride words;
// deleted has capacity / 64 words (capacity is a multiple of 64). Link counts are written with
// release order after their ids, so a reader that loads a count sees ids at least that old.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/huge_page_allocator.hpp"
#include "index/hnsw/hnsw_graph.hpp"

namespace sextant::index {

struct HnswGraph::Storage {
  uint32_t capacity = 0;
  uint32_t level0_stride = 0;                                 // 1 + 2m
  uint32_t upper_stride = 0;                                  // 1 + m
  std::vector<uint32_t, HugePageAllocator<uint32_t>> level0;  // on huge pages: one list per hop
  std::vector<int8_t> levels;
  std::vector<std::unique_ptr<uint32_t[]>> upper;
  std::unique_ptr<std::atomic<uint64_t>[]> deleted;

  std::array<std::mutex, 1024> link_locks;  // striped by node
  std::mutex entry_mutex;                   // serialises inserts that may raise the top level
  // Entry point and top level packed in one word so readers see a consistent pair:
  // (max_level + 1) << 32 | entry_point; 0 means an empty graph.
  std::atomic<uint64_t> entry{0};
  std::atomic<uint64_t> level_draws{0};
  std::atomic<uint32_t> offset_limit{
      0};  // every inserted offset is below this  // seeds level assignment, one draw per insert

  uint32_t entry_point() const { return uint32_t(entry.load(std::memory_order_acquire)); }
  int max_level() const { return int(entry.load(std::memory_order_acquire) >> 32) - 1; }
  void set_entry(uint32_t node, int level) {
    entry.store((uint64_t(level + 1) << 32) | node, std::memory_order_release);
  }

  std::mutex& lock_of(uint32_t node) { return link_locks[node & (link_locks.size() - 1)]; }
};

// Read access for layer_search.hpp (the Layers concept).
class HnswGraphAccess {
 public:
  explicit HnswGraphAccess(const HnswGraph::Storage& s) : s_(s) {}
  uint32_t capacity() const { return s_.capacity; }
  const uint32_t* links(uint32_t node, int level) const {
    if (level == 0) return s_.level0.data() + size_t(node) * s_.level0_stride;
    return s_.upper[node].get() + size_t(level - 1) * s_.upper_stride;
  }
  // A hint for the walk (layer_search.hpp): brings a node's list towards the cache.
  void prefetch_links(uint32_t node, int level) const {
    const char* list = reinterpret_cast<const char*>(links(node, level));
    const size_t bytes = size_t(level == 0 ? s_.level0_stride : s_.upper_stride) * 4;
    for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(list + at, 0, 3);
    __builtin_prefetch(list + bytes - 1, 0, 3);
  }
  bool is_deleted(uint32_t node) const {
    return (s_.deleted[node >> 6].load(std::memory_order_relaxed) >> (node & 63)) & 1;
  }

 private:
  const HnswGraph::Storage& s_;
};

}  // namespace sextant::index
