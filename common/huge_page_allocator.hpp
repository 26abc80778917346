// HugePageAllocator: a std::allocator for large flat arrays read at random places (the HNSW
// level-0 links, the int8 codes of a quantized walk) that
// asks the kernel for transparent huge pages. The walk reads one link list per hop at a random
// place in an array of capacity x (1 + 2m) words (13 MB at 100k points, M 16); on 4 KiB pages
// nearly every hop also misses the TLB, on 2 MiB pages almost none does.
//
// Blocks of at least 2 MiB are 2 MiB-aligned, rounded up to whole huge pages and advised with
// MADV_HUGEPAGE before first use (the advice is a hint: where THP is off they stay 4 KiB pages);
// smaller blocks come from operator new. Stateless: any two instances are interchangeable.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace sextant {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t(2) << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* block = std::aligned_alloc(kHugePage, rounded);
    if (block == nullptr) throw std::bad_alloc();
    ::madvise(block, rounded, MADV_HUGEPAGE);
    return static_cast<T*>(block);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p);
      return;
    }
    std::free(p);
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace sextant
