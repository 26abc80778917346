// Giving freed heap memory back to the system, so the server's resident memory follows what it
// holds rather than its peak.
//
// glibc keeps freed memory in its arenas: the main arena returns the top of its heap only above
// a trim threshold (128 KiB by default, raised on the fly to the size of the largest block freed
// from mmap, up to 32 MiB), and the per-thread arenas of worker threads keep their free pages
// until malloc_trim. An index build allocates and frees hundreds of MB in worker threads, which
// would otherwise stay resident after it ends.
//
// Invariants: both functions only change how much of the heap is resident, never what any
// allocation holds; they are no-ops where the C library is not glibc.
#pragma once

namespace sextant {

// Sets a fixed trim threshold of 1 MiB for the process (call once, at start-up).
void keep_heap_trimmed();

// Returns the free pages of every arena to the system (after a large transient allocation such
// as an index build; it walks the whole heap, so not on a request's path).
void release_free_heap();

}  // namespace sextant
