// See heap_release.hpp.
#include "common/heap_release.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sextant {

void keep_heap_trimmed() {
#if defined(__GLIBC__)
  ::mallopt(M_TRIM_THRESHOLD, 1 << 20);
#endif
}

void release_free_heap() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace sextant
