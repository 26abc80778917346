// The one dispatch point for distance kernels: picks the best KernelTable for this CPU once,
// from cpuid (and the OS's register-saving support, which __builtin_cpu_supports checks), and
// hands out the scalar reference table. Compiled for baseline x86-64.
#include <cpuid.h>

#include "index/distance/distance.hpp"
#include "index/distance/isa_tables.hpp"
#include "index/distance/scalar_reference.hpp"

namespace sextant::index {
namespace {

bool cpu_has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  return (ecx & bit_F16C) != 0;
}

bool cpu_runs_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         cpu_has_f16c() && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt");
}
bool cpu_runs_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c() &&
         __builtin_cpu_supports("popcnt");
}
bool cpu_runs_sse4() { return __builtin_cpu_supports("sse4.1"); }

float scalar_dot_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
float scalar_dot_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
float scalar_dot_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
int32_t scalar_dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  return scalar_reference::dot_i8(a, b, n);
}
int32_t scalar_l2_i8(const int8_t* a, const int8_t* b, size_t n) {
  return scalar_reference::l2_squared_i8(a, b, n);
}

uint32_t scalar_hamming_u64(const uint64_t* a, const uint64_t* b, size_t words) {
  return scalar_reference::hamming_u64(a, b, words);
}

const KernelTable kScalarTable{"scalar",          scalar_dot_f32, scalar_l2_f32, scalar_l1_f32,
                               scalar_dot_f16,    scalar_l2_f16,  scalar_l1_f16, scalar_dot_u8,
                               scalar_l2_u8,      scalar_l1_u8,   scalar_dot_i8, scalar_l2_i8,
                               scalar_hamming_u64};

const KernelTable& choose_kernels() {
  if (cpu_runs_avx512()) return avx512_kernels();
  if (cpu_runs_avx2()) return avx2_kernels();
  if (cpu_runs_sse4()) return sse4_kernels();
  return kScalarTable;
}

}  // namespace

const KernelTable& kernels() {
  static const KernelTable& chosen = choose_kernels();
  return chosen;
}

const KernelTable& scalar_kernels() { return kScalarTable; }

std::vector<const KernelTable*> supported_kernel_tables() {
  std::vector<const KernelTable*> tables;
  if (cpu_runs_avx512()) tables.push_back(&avx512_kernels());
  if (cpu_runs_avx2()) tables.push_back(&avx2_kernels());
  if (cpu_runs_sse4()) tables.push_back(&sse4_kernels());
  tables.push_back(&kScalarTable);
  return tables;
}

}  // namespace sextant::index
