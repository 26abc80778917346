// Figures of this process read from the C library and /proc, for /telemetry's `memory` section
// and the memory_* and process_* series of /metrics (Qdrant's names).
//
// Memory, as Qdrant's jemalloc figures mapped onto glibc's allocator (mallinfo2):
//   allocated_bytes  bytes in use by the application (uordblks + hblkhd)
//   active_bytes     allocated plus free bytes the allocator holds in its arenas (arena + hblkhd)
//   metadata_bytes   0: glibc does not report the allocator's own bookkeeping
//   resident_bytes   resident set of the process (/proc/self/statm)
//   retained_bytes   free bytes the allocator keeps from the system (fordblks)
// A figure that cannot be read is 0.
#pragma once

#include <cstdint>

namespace sextant::server {

struct MemoryFigures {
  uint64_t active_bytes = 0;
  uint64_t allocated_bytes = 0;
  uint64_t metadata_bytes = 0;
  uint64_t resident_bytes = 0;
  uint64_t retained_bytes = 0;
};

struct ProcessFigures {
  uint64_t threads = 0;
  uint64_t open_mmaps = 0;
  uint64_t system_max_mmaps = 0;
  uint64_t open_fds = 0;
  uint64_t max_fds = 0;
  uint64_t minor_page_faults = 0;
  uint64_t major_page_faults = 0;
};

MemoryFigures memory_figures();
ProcessFigures process_figures();

}  // namespace sextant::server
