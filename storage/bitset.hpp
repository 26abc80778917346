// A growable bitset over internal offsets. Views share immutable Bitsets; the writer copies
// before changing one (copy-on-write), so a published Bitset never changes.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace sextant::storage {

class Bitset {
 public:
  bool test(uint32_t i) const {
    size_t word = i >> 6;
    return word < words_.size() && ((words_[word] >> (i & 63)) & 1);
  }
  void set(uint32_t i) {
    size_t word = i >> 6;
    if (word >= words_.size()) words_.resize(word + 1, 0);
    words_[word] |= uint64_t(1) << (i & 63);
  }
  void reset(uint32_t i) {
    size_t word = i >> 6;
    if (word < words_.size()) words_[word] &= ~(uint64_t(1) << (i & 63));
  }
  uint64_t count() const {
    uint64_t n = 0;
    for (uint64_t w : words_) n += std::popcount(w);
    return n;
  }
  size_t size_bits() const { return words_.size() * 64; }
  const std::vector<uint64_t>& words() const { return words_; }

  // Calls fn(offset) for each set bit below `limit`, in increasing order.
  template <typename Fn>
  void for_each(uint32_t limit, Fn&& fn) const {
    size_t words = std::min(words_.size(), size_t((uint64_t(limit) + 63) >> 6));
    for (size_t w = 0; w < words; ++w) {
      uint64_t bits = words_[w];
      while (bits) {
        uint32_t offset = uint32_t(w * 64 + std::countr_zero(bits));
        if (offset >= limit) return;
        fn(offset);
        bits &= bits - 1;
      }
    }
  }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace sextant::storage
