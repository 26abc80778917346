// The CPU-feature probe behind common/cpu_features.hpp. Compiled for baseline x86-64, so it runs
// on every CPU the binary starts on.
#include "common/cpu_features.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace sextant {
namespace {

CpuFeatures probe_cpu_features() {
  CpuFeatures features;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  features.sse = __builtin_cpu_supports("sse");
  features.sse2 = __builtin_cpu_supports("sse2");
  features.sse41 = __builtin_cpu_supports("sse4.1");
  features.avx = __builtin_cpu_supports("avx");
  features.avx2 = __builtin_cpu_supports("avx2");
  features.fma = __builtin_cpu_supports("fma");
  features.popcnt = __builtin_cpu_supports("popcnt");
  features.avx512f = __builtin_cpu_supports("avx512f");
  features.avx512bw = __builtin_cpu_supports("avx512bw");
  features.avx512vnni = __builtin_cpu_supports("avx512vnni");
  features.avx512vl = __builtin_cpu_supports("avx512vl");
  // GCC 12's __builtin_cpu_supports has no "f16c"; cpuid leaf 1 reports it.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) features.f16c = (ecx & bit_F16C) != 0;
#endif
  return features;
}

}  // namespace

const char* isa_level_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::kScalar:
      return "scalar";
    case IsaLevel::kSse4:
      return "sse4";
    case IsaLevel::kAvx2:
      return "avx2";
    case IsaLevel::kAvx512:
      return "avx512";
  }
  return "scalar";
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe_cpu_features();
  return features;
}

IsaLevel highest_isa_level(const CpuFeatures& f) {
  if (f.avx512f && f.avx512bw && f.f16c && f.fma && f.popcnt) return IsaLevel::kAvx512;
  if (f.avx2 && f.fma && f.f16c && f.popcnt) return IsaLevel::kAvx2;
  if (f.sse41) return IsaLevel::kSse4;
  return IsaLevel::kScalar;
}

IsaLevel detected_isa_level() {
  static const IsaLevel level = highest_isa_level(cpu_features());
  return level;
}

IsaLevel isa_level_capped_at(IsaLevel cap) {
  const IsaLevel detected = detected_isa_level();
  return cap < detected ? cap : detected;
}

std::vector<IsaLevel> supported_isa_levels() {
  std::vector<IsaLevel> levels;
  for (int level = static_cast<int>(detected_isa_level()); level >= 0; --level) {
    levels.push_back(static_cast<IsaLevel>(level));
  }
  return levels;
}

}  // namespace sextant
