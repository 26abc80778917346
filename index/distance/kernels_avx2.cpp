// AVX2 + FMA + F16C kernels (8 floats per register). Compiled with -mavx2 -mfma -mf16c
// (index/CMakeLists.txt); reached only through the dispatch in dispatch.cpp.
#include <immintrin.h>

#include "index/distance/isa_tables.hpp"
#include "index/distance/kernel_templates.hpp"

namespace sextant::index {
namespace {

struct Avx2 {
  static constexpr size_t kWidth = 8;
  using F = __m256;
  static F zero() { return _mm256_setzero_ps(); }
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static F load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static F load_u8(const uint8_t* p) {
    return _mm256_cvtepi32_ps(
        _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  static F fmadd(F a, F b, F acc) { return _mm256_fmadd_ps(a, b, acc); }
  static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F abs(F a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static float hsum(F v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
  }
};

int32_t hsum_epi32(__m256i v) {
  __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4e));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xb1));
  return _mm_cvtsi128_si32(sum);
}

// |a| * sign(b, a) keeps the product while making the left operand unsigned for maddubs;
// with components in [-127, 127] the pairwise sums (<= 32258) never saturate int16.
int32_t dot_i8_avx2(const int8_t* a, const int8_t* b, size_t n) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_abs_epi8(va), _mm256_sign_epi8(vb, va));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
  }
  return hsum_epi32(acc) + scalar_reference::dot_i8(a + i, b + i, n - i);
}

int32_t l2_squared_i8_avx2(const int8_t* a, const int8_t* b, size_t n) {
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i va =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i vb =
        _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    const __m256i d = _mm256_sub_epi16(va, vb);
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(d, d));
  }
  return hsum_epi32(acc) + scalar_reference::l2_squared_i8(a + i, b + i, n - i);
}

using K = GenericKernels<Avx2>;

}  // namespace

const KernelTable& avx2_kernels() {
  static const KernelTable table{
      "avx2",          K::dot_f32, K::l2_squared_f32, K::l1_f32, K::dot_f16,  K::l2_squared_f16,
      K::l1_f16,       K::dot_u8,  K::l2_squared_u8,  K::l1_u8,  dot_i8_avx2, l2_squared_i8_avx2,
      hamming_popcount};
  return table;
}

}  // namespace sextant::index
