// Int8 products on AVX-512 VNNI (this file alone is compiled with -mavx512f -mavx512bw
// -mavx512vnni; kernel_dispatch.cpp calls it only on a CPU that reports all three).
//
// vpdpbusd multiplies unsigned by signed bytes, so each activation byte is offset by 128 (an
// xor of its sign bit) and 128 * sum_i W[c][i] is subtracted afterwards: the int32 sums equal
// the scalar oracle's exactly (no intermediate saturates: vpdpbusd adds four products of at most
// 255 * 127 straight into int32).
// GCC 12's avx512fintrin.h builds some set1/convert intrinsics from a deliberately undefined
// register, which -Wuninitialized reports at every use in this file.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

// ROWS rows x PANELS 16-column panels; one zmm accumulator per row and panel.
template <size_t ROWS, size_t PANELS, bool kExact>
void vnni_block(size_t kp, const int8_t* q, size_t ldq, const float* x_scales,
                const int8_t* packed_w, const int32_t* w_sums, const float* w_scales, void* out,
                size_t ldout) {
  const __m512i offset = _mm512_set1_epi8(static_cast<char>(0x80));
  __m512i acc[ROWS][PANELS];
  for (size_t r = 0; r < ROWS; ++r) {
    for (size_t p = 0; p < PANELS; ++p) acc[r][p] = _mm512_setzero_si512();
  }
  const size_t panel_bytes = kPanelWidth * kp;
  for (size_t group = 0; group < kp / kInt8Group; ++group) {
    __m512i weights[PANELS];
    for (size_t p = 0; p < PANELS; ++p) {
      weights[p] = _mm512_load_si512(packed_w + p * panel_bytes + group * 64);
    }
    for (size_t r = 0; r < ROWS; ++r) {
      int32_t packed;
      std::memcpy(&packed, q + r * ldq + group * kInt8Group, sizeof(packed));
      const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(packed), offset);
      for (size_t p = 0; p < PANELS; ++p) acc[r][p] = _mm512_dpbusd_epi32(acc[r][p], x, weights[p]);
    }
  }
  for (size_t p = 0; p < PANELS; ++p) {
    const __m512i correction = _mm512_slli_epi32(_mm512_loadu_si512(w_sums + p * kPanelWidth), 7);
    for (size_t r = 0; r < ROWS; ++r) {
      const __m512i sums = _mm512_sub_epi32(acc[r][p], correction);
      if constexpr (kExact) {
        _mm512_storeu_si512(static_cast<int32_t*>(out) + r * ldout + p * kPanelWidth, sums);
      } else {
        float* target = static_cast<float*>(out) + r * ldout + p * kPanelWidth;
        const __m512 scale =
            _mm512_mul_ps(_mm512_set1_ps(x_scales[r]), _mm512_loadu_ps(w_scales + p * kPanelWidth));
        _mm512_storeu_ps(target,
                         _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), scale, _mm512_loadu_ps(target)));
      }
    }
  }
}

using Block = void (*)(size_t, const int8_t*, size_t, const float*, const int8_t*, const int32_t*,
                       const float*, void*, size_t);
constexpr size_t kRows = 4;
constexpr size_t kPanels = 4;

template <bool kExact, size_t... R>
constexpr auto blocks_for_panels(std::index_sequence<R...>) {
  return std::array<std::array<Block, kPanels>, kRows>{
      {{vnni_block<R + 1, 1, kExact>, vnni_block<R + 1, 2, kExact>, vnni_block<R + 1, 3, kExact>,
        vnni_block<R + 1, 4, kExact>}...}};
}

template <bool kExact>
void vnni_products(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                   const float* x_scales, const int8_t* packed_w, const int32_t* w_sums,
                   const float* w_scales, void* out, size_t ldout) {
  static constexpr auto kBlocks = blocks_for_panels<kExact>(std::make_index_sequence<kRows>());
  const size_t element = kExact ? sizeof(int32_t) : sizeof(float);
  const size_t panels = n / kPanelWidth;
  // Column blocks outer, rows inner: a block of weights (64 columns x kp bytes) stays in cache
  // while every row passes it, so the weights stream from memory once per product.
  for (size_t panel = 0; panel < panels; panel += kPanels) {
    const size_t count = std::min(kPanels, panels - panel);
    const size_t column = panel * kPanelWidth;
    for (size_t first = 0; first < m; first += kRows) {
      const size_t rows = std::min(kRows, m - first);
      char* target = static_cast<char*>(out) + (first * ldout + column) * element;
      kBlocks[rows - 1][count - 1](kp, q + first * ldq, ldq, x_scales ? x_scales + first : nullptr,
                                   packed_w + panel * kPanelWidth * kp, w_sums + column,
                                   w_scales ? w_scales + column : nullptr, target, ldout);
    }
  }
}

}  // namespace

void avx512_vnni_gemm_int8(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                           const float* x_scales, const int8_t* packed_w, const int32_t* w_sums,
                           const float* w_scales, float* out, size_t ldout) {
  vnni_products<false>(m, n, kp, q, ldq, x_scales, packed_w, w_sums, w_scales, out, ldout);
}

void avx512_vnni_gemm_int8_exact(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                                 const int8_t* packed_w, const int32_t* w_sums, int32_t* acc,
                                 size_t ldacc) {
  vnni_products<true>(m, n, kp, q, ldq, nullptr, packed_w, w_sums, nullptr, acc, ldacc);
}

}  // namespace sextant::embed
