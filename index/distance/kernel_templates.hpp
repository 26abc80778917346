// Kernel bodies shared by the per-ISA translation units (kernels_avx512.cpp, kernels_avx2.cpp,
// kernels_sse4.cpp). Each of those defines a `Simd` traits struct for its instruction set and
// includes this file; everything here has internal linkage (anonymous namespace), so the copies
// compiled with different ISA flags can never be merged by the linker. Include it nowhere else.
//
// Simd must provide: kWidth (floats per register), F (register type), zero(), load(const float*),
// load_f16(const uint16_t*), load_u8(const uint8_t*), fmadd(a, b, acc), sub, abs, add, hsum(F).
// Integer kernels are provided by the TU itself (they differ more between ISAs), except the
// Hamming kernel, which is plain popcount in every TU.
#pragma once

#include <cstddef>
#include <cstdint>

#include "index/distance/scalar_reference.hpp"

namespace sextant::index {
namespace {

template <typename Simd, typename T, typename Load>
inline float dot_generic(const T* a, const T* b, size_t n, Load load) {
  constexpr size_t w = Simd::kWidth;
  auto acc0 = Simd::zero(), acc1 = Simd::zero(), acc2 = Simd::zero(), acc3 = Simd::zero();
  size_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) {
    acc0 = Simd::fmadd(load(a + i), load(b + i), acc0);
    acc1 = Simd::fmadd(load(a + i + w), load(b + i + w), acc1);
    acc2 = Simd::fmadd(load(a + i + 2 * w), load(b + i + 2 * w), acc2);
    acc3 = Simd::fmadd(load(a + i + 3 * w), load(b + i + 3 * w), acc3);
  }
  for (; i + w <= n; i += w) acc0 = Simd::fmadd(load(a + i), load(b + i), acc0);
  float sum = Simd::hsum(Simd::add(Simd::add(acc0, acc1), Simd::add(acc2, acc3)));
  return sum + scalar_reference::dot(a + i, b + i, n - i);
}

template <typename Simd, typename T, typename Load>
inline float l2_squared_generic(const T* a, const T* b, size_t n, Load load) {
  constexpr size_t w = Simd::kWidth;
  auto acc0 = Simd::zero(), acc1 = Simd::zero(), acc2 = Simd::zero(), acc3 = Simd::zero();
  size_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) {
    auto d0 = Simd::sub(load(a + i), load(b + i));
    auto d1 = Simd::sub(load(a + i + w), load(b + i + w));
    auto d2 = Simd::sub(load(a + i + 2 * w), load(b + i + 2 * w));
    auto d3 = Simd::sub(load(a + i + 3 * w), load(b + i + 3 * w));
    acc0 = Simd::fmadd(d0, d0, acc0);
    acc1 = Simd::fmadd(d1, d1, acc1);
    acc2 = Simd::fmadd(d2, d2, acc2);
    acc3 = Simd::fmadd(d3, d3, acc3);
  }
  for (; i + w <= n; i += w) {
    auto d = Simd::sub(load(a + i), load(b + i));
    acc0 = Simd::fmadd(d, d, acc0);
  }
  float sum = Simd::hsum(Simd::add(Simd::add(acc0, acc1), Simd::add(acc2, acc3)));
  return sum + scalar_reference::l2_squared(a + i, b + i, n - i);
}

template <typename Simd, typename T, typename Load>
inline float l1_generic(const T* a, const T* b, size_t n, Load load) {
  constexpr size_t w = Simd::kWidth;
  auto acc0 = Simd::zero(), acc1 = Simd::zero();
  size_t i = 0;
  for (; i + 2 * w <= n; i += 2 * w) {
    acc0 = Simd::add(acc0, Simd::abs(Simd::sub(load(a + i), load(b + i))));
    acc1 = Simd::add(acc1, Simd::abs(Simd::sub(load(a + i + w), load(b + i + w))));
  }
  for (; i + w <= n; i += w) acc0 = Simd::add(acc0, Simd::abs(Simd::sub(load(a + i), load(b + i))));
  return Simd::hsum(Simd::add(acc0, acc1)) + scalar_reference::l1(a + i, b + i, n - i);
}

// Four independent popcount chains; the popcnt instruction where the TU is compiled with
// -mpopcnt (AVX2, AVX-512), the compiler's portable bit count otherwise.
inline uint32_t hamming_popcount(const uint64_t* a, const uint64_t* b, size_t words) {
  uint64_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
  size_t i = 0;
  for (; i + 4 <= words; i += 4) {
    sum0 += uint64_t(__builtin_popcountll(a[i] ^ b[i]));
    sum1 += uint64_t(__builtin_popcountll(a[i + 1] ^ b[i + 1]));
    sum2 += uint64_t(__builtin_popcountll(a[i + 2] ^ b[i + 2]));
    sum3 += uint64_t(__builtin_popcountll(a[i + 3] ^ b[i + 3]));
  }
  for (; i < words; ++i) sum0 += uint64_t(__builtin_popcountll(a[i] ^ b[i]));
  return uint32_t(sum0 + sum1 + sum2 + sum3);
}

template <typename Simd>
struct GenericKernels {
  static float dot_f32(const float* a, const float* b, size_t n) {
    return dot_generic<Simd>(a, b, n, [](const float* p) { return Simd::load(p); });
  }
  static float l2_squared_f32(const float* a, const float* b, size_t n) {
    return l2_squared_generic<Simd>(a, b, n, [](const float* p) { return Simd::load(p); });
  }
  static float l1_f32(const float* a, const float* b, size_t n) {
    return l1_generic<Simd>(a, b, n, [](const float* p) { return Simd::load(p); });
  }
  static float dot_f16(const uint16_t* a, const uint16_t* b, size_t n) {
    return dot_generic<Simd>(a, b, n, [](const uint16_t* p) { return Simd::load_f16(p); });
  }
  static float l2_squared_f16(const uint16_t* a, const uint16_t* b, size_t n) {
    return l2_squared_generic<Simd>(a, b, n, [](const uint16_t* p) { return Simd::load_f16(p); });
  }
  static float l1_f16(const uint16_t* a, const uint16_t* b, size_t n) {
    return l1_generic<Simd>(a, b, n, [](const uint16_t* p) { return Simd::load_f16(p); });
  }
  static float dot_u8(const uint8_t* a, const uint8_t* b, size_t n) {
    return dot_generic<Simd>(a, b, n, [](const uint8_t* p) { return Simd::load_u8(p); });
  }
  static float l2_squared_u8(const uint8_t* a, const uint8_t* b, size_t n) {
    return l2_squared_generic<Simd>(a, b, n, [](const uint8_t* p) { return Simd::load_u8(p); });
  }
  static float l1_u8(const uint8_t* a, const uint8_t* b, size_t n) {
    return l1_generic<Simd>(a, b, n, [](const uint8_t* p) { return Simd::load_u8(p); });
  }
};

}  // namespace
}  // namespace sextant::index
