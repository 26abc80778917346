// Qdrant-convention scores, normalisation and binary16 conversion on top of the dispatched
// kernels (distance.hpp).
#include "index/distance/distance.hpp"

#include <bit>
#include <cmath>

#include "index/distance/scalar_reference.hpp"

namespace sextant::index {
namespace {

template <typename T, typename Dot, typename L2, typename L1>
float score_with(Distance distance, const T* a, const T* b, size_t n, Dot dot_fn, L2 l2_fn,
                 L1 l1_fn) {
  switch (distance) {
    case Distance::kCosine:
    case Distance::kDot:
      return dot_fn(a, b, n);
    case Distance::kEuclid:
      return std::sqrt(l2_fn(a, b, n));
    case Distance::kManhattan:
      return l1_fn(a, b, n);
  }
  return 0;
}

}  // namespace

float score(Distance distance, const float* a, const float* b, size_t n) {
  const KernelTable& k = kernels();
  return score_with(distance, a, b, n, k.dot_f32, k.l2_squared_f32, k.l1_f32);
}

float score(Distance distance, const uint16_t* a, const uint16_t* b, size_t n) {
  const KernelTable& k = kernels();
  return score_with(distance, a, b, n, k.dot_f16, k.l2_squared_f16, k.l1_f16);
}

float score(Distance distance, const uint8_t* a, const uint8_t* b, size_t n) {
  const KernelTable& k = kernels();
  return score_with(distance, a, b, n, k.dot_u8, k.l2_squared_u8, k.l1_u8);
}

void normalize(float* v, size_t n) {
  const float norm_squared = kernels().dot_f32(v, v, n);
  if (!(norm_squared > 0) || !std::isfinite(norm_squared)) return;
  const float inverse = 1.0f / std::sqrt(norm_squared);
  for (size_t i = 0; i < n; ++i) v[i] *= inverse;
}

float half_to_float(uint16_t half) { return scalar_reference::half_bits_to_float(half); }

uint16_t float_to_half(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  const uint32_t abs_bits = bits & 0x7fffffffu;
  if (abs_bits >= 0x7f800000u) {  // inf or NaN
    return uint16_t(sign | 0x7c00 | (abs_bits > 0x7f800000u ? 0x200 : 0));
  }
  if (abs_bits >= 0x477ff000u) return uint16_t(sign | 0x7c00);  // rounds past 65504: inf
  if (abs_bits < 0x38800000u) {                                 // below 2^-14: subnormal or 0
    if (abs_bits < 0x33000000u) return sign;                    // below half the least subnormal
    const uint32_t exponent = abs_bits >> 23;
    const uint32_t mantissa = (abs_bits & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - exponent;  // 14..24
    uint32_t half_mantissa = mantissa >> shift;
    const uint32_t remainder = mantissa & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (half_mantissa & 1))) ++half_mantissa;
    return uint16_t(sign | half_mantissa);
  }
  // Normal: rebias exponent, round mantissa to 10 bits (nearest even); a carry bumps the exponent.
  uint32_t rounded = abs_bits - (112u << 23);
  rounded += 0xfff + ((rounded >> 13) & 1);
  return uint16_t(sign | (rounded >> 13));
}

}  // namespace sextant::index
