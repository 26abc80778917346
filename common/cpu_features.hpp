// The one CPU-feature probe of the process and the instruction-set level every SIMD dispatcher
// (index/distance/dispatch.cpp, embed/kernels/kernel_dispatch.cpp) chooses its kernel table
// from. The probe reads cpuid and the OS's register-saving support (__builtin_cpu_supports
// checks both) once, at first use; the result never changes afterwards.
//
// Levels are ordered: a CPU that runs a level runs every level below it.
//   kScalar  baseline x86-64 (or any other architecture)
//   kSse4    SSE4.1
//   kAvx2    AVX2 + FMA + F16C + POPCNT
//   kAvx512  AVX-512F + AVX-512BW + FMA + F16C + POPCNT
#pragma once

#include <vector>

namespace sextant {

enum class IsaLevel { kScalar = 0, kSse4 = 1, kAvx2 = 2, kAvx512 = 3 };

// "scalar", "sse4", "avx2", "avx512".
const char* isa_level_name(IsaLevel level);

// The features the levels are made of (and those telemetry reports), as this CPU and OS report
// them.
struct CpuFeatures {
  bool sse = false;
  bool sse2 = false;
  bool sse41 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool popcnt = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vnni = false;  // not part of a level: kernels that use it check it themselves
};

// Probed once per process.
const CpuFeatures& cpu_features();

// The highest level whose every feature is present in `features` (a pure function).
IsaLevel highest_isa_level(const CpuFeatures& features);

// highest_isa_level(cpu_features()): the level the dispatchers choose at start-up.
IsaLevel detected_isa_level();

// The detected level, but no higher than `cap`: for tests and benchmarks that run the kernels
// of a lower level on a CPU that supports a higher one.
IsaLevel isa_level_capped_at(IsaLevel cap);

// Every level this CPU runs, highest first; the last is always kScalar.
std::vector<IsaLevel> supported_isa_levels();

}  // namespace sextant
