// AVX-512 (F + BW) kernels, 16 floats per register. Compiled with -mavx512f -mavx512bw -mfma
// -mf16c (index/CMakeLists.txt); reached only through the dispatch in dispatch.cpp.
#include <immintrin.h>

#include "index/distance/isa_tables.hpp"
#include "index/distance/kernel_templates.hpp"

namespace sextant::index {
namespace {

struct Avx512 {
  static constexpr size_t kWidth = 16;
  using F = __m512;
  static F zero() { return _mm512_setzero_ps(); }
  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static F load_f16(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static F load_u8(const uint8_t* p) {
    return _mm512_cvtepi32_ps(
        _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  }
  static F fmadd(F a, F b, F acc) { return _mm512_fmadd_ps(a, b, acc); }
  static F sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F abs(F a) { return _mm512_abs_ps(a); }
  static float hsum(F v) { return _mm512_reduce_add_ps(v); }
};

int32_t dot_i8_avx512(const int8_t* a, const int8_t* b, size_t n) {
  __m512i acc = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512i va =
        _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)));
    const __m512i vb =
        _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
    acc = _mm512_add_epi32(acc, _mm512_madd_epi16(va, vb));
  }
  return _mm512_reduce_add_epi32(acc) + scalar_reference::dot_i8(a + i, b + i, n - i);
}

int32_t l2_squared_i8_avx512(const int8_t* a, const int8_t* b, size_t n) {
  __m512i acc = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512i va =
        _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)));
    const __m512i vb =
        _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
    const __m512i d = _mm512_sub_epi16(va, vb);
    acc = _mm512_add_epi32(acc, _mm512_madd_epi16(d, d));
  }
  return _mm512_reduce_add_epi32(acc) + scalar_reference::l2_squared_i8(a + i, b + i, n - i);
}

using K = GenericKernels<Avx512>;

}  // namespace

const KernelTable& avx512_kernels() {
  static const KernelTable table{"avx512",        K::dot_f32,    K::l2_squared_f32,
                                 K::l1_f32,       K::dot_f16,    K::l2_squared_f16,
                                 K::l1_f16,       K::dot_u8,     K::l2_squared_u8,
                                 K::l1_u8,        dot_i8_avx512, l2_squared_i8_avx512,
                                 hamming_popcount};
  return table;
}

}  // namespace sextant::index
