// The scalar reference kernels: plain loops, the oracle every SIMD table is tested against and
// the tails of the SIMD kernels. Internal linkage (see kernel_templates.hpp for why).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sextant::index {
namespace {
namespace scalar_reference {

// binary16 -> float without library calls, so it compiles identically under any ISA flags.
inline float half_bits_to_float(uint16_t half) {
  const uint32_t sign = uint32_t(half & 0x8000) << 16;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: normalise
    exponent = 113;
    while ((mantissa & 0x400) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
  }
  return __builtin_bit_cast(float, bits);
}

inline float as_float(float v) { return v; }
inline float as_float(uint16_t v) { return half_bits_to_float(v); }
inline float as_float(uint8_t v) { return float(v); }

template <typename T>
inline float dot(const T* a, const T* b, size_t n) {
  float sum = 0;
  for (size_t i = 0; i < n; ++i) sum += as_float(a[i]) * as_float(b[i]);
  return sum;
}

template <typename T>
inline float l2_squared(const T* a, const T* b, size_t n) {
  float sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const float d = as_float(a[i]) - as_float(b[i]);
    sum += d * d;
  }
  return sum;
}

template <typename T>
inline float l1(const T* a, const T* b, size_t n) {
  float sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const float d = as_float(a[i]) - as_float(b[i]);
    sum += d < 0 ? -d : d;
  }
  return sum;
}

inline int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

inline int32_t l2_squared_i8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const int32_t d = int32_t(a[i]) - int32_t(b[i]);
    sum += d * d;
  }
  return sum;
}

// Bit counting without the popcnt instruction (the oracle must not depend on an ISA flag).
inline uint32_t popcount_u64(uint64_t word) {
  word = word - ((word >> 1) & 0x5555555555555555ull);
  word = (word & 0x3333333333333333ull) + ((word >> 2) & 0x3333333333333333ull);
  word = (word + (word >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return uint32_t((word * 0x0101010101010101ull) >> 56);
}

inline uint32_t hamming_u64(const uint64_t* a, const uint64_t* b, size_t words) {
  uint32_t sum = 0;
  for (size_t i = 0; i < words; ++i) sum += popcount_u64(a[i] ^ b[i]);
  return sum;
}

}  // namespace scalar_reference
}  // namespace
}  // namespace sextant::index
