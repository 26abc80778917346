// SSE4.1 kernels (4 floats per register, no FMA, no F16C: half floats convert in scalar code).
// Compiled with -msse4.1 (index/CMakeLists.txt); reached only through dispatch.cpp.
#include <smmintrin.h>

#include <cstring>

#include "index/distance/isa_tables.hpp"
#include "index/distance/kernel_templates.hpp"

namespace sextant::index {
namespace {

struct Sse4 {
  static constexpr size_t kWidth = 4;
  using F = __m128;
  static F zero() { return _mm_setzero_ps(); }
  static F load(const float* p) { return _mm_loadu_ps(p); }
  static F load_f16(const uint16_t* p) {
    return _mm_setr_ps(
        scalar_reference::half_bits_to_float(p[0]), scalar_reference::half_bits_to_float(p[1]),
        scalar_reference::half_bits_to_float(p[2]), scalar_reference::half_bits_to_float(p[3]));
  }
  static F load_u8(const uint8_t* p) {
    int32_t bytes;
    std::memcpy(&bytes, p, 4);
    return _mm_cvtepi32_ps(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(bytes)));
  }
  static F fmadd(F a, F b, F acc) { return _mm_add_ps(_mm_mul_ps(a, b), acc); }
  static F sub(F a, F b) { return _mm_sub_ps(a, b); }
  static F add(F a, F b) { return _mm_add_ps(a, b); }
  static F abs(F a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
  static float hsum(F v) {
    __m128 sum = _mm_add_ps(v, _mm_movehl_ps(v, v));
    sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 0x55));
    return _mm_cvtss_f32(sum);
  }
};

int32_t hsum_epi32(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4e));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xb1));
  return _mm_cvtsi128_si32(v);
}

int32_t dot_i8_sse4(const int8_t* a, const int8_t* b, size_t n) {
  __m128i acc = _mm_setzero_si128();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i va = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)));
    const __m128i vb = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i)));
    acc = _mm_add_epi32(acc, _mm_madd_epi16(va, vb));
  }
  return hsum_epi32(acc) + scalar_reference::dot_i8(a + i, b + i, n - i);
}

int32_t l2_squared_i8_sse4(const int8_t* a, const int8_t* b, size_t n) {
  __m128i acc = _mm_setzero_si128();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i va = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)));
    const __m128i vb = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i)));
    const __m128i d = _mm_sub_epi16(va, vb);
    acc = _mm_add_epi32(acc, _mm_madd_epi16(d, d));
  }
  return hsum_epi32(acc) + scalar_reference::l2_squared_i8(a + i, b + i, n - i);
}

using K = GenericKernels<Sse4>;

}  // namespace

const KernelTable& sse4_kernels() {
  static const KernelTable table{
      "sse4",          K::dot_f32, K::l2_squared_f32, K::l1_f32, K::dot_f16,  K::l2_squared_f16,
      K::l1_f16,       K::dot_u8,  K::l2_squared_u8,  K::l1_u8,  dot_i8_sse4, l2_squared_i8_sse4,
      hamming_popcount};
  return table;
}

}  // namespace sextant::index
