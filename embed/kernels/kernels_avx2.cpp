// AVX2 + FMA kernels through xsimd (this file alone is compiled with -mavx2 -mfma; it is only
// called after kernel_dispatch.cpp has checked the CPU). Tails shorter than a register fall back
// to the scalar formulas so results match the oracle to rounding. The int8 products use
// vpmaddubsw on |x| and sign(w, x) (so no pair sum can saturate int16: 2 * 127 * 127 < 32768),
// then vpmaddwd to int32: the integer sums are exact.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

using Batch = xsimd::batch<float, xsimd::avx2>;
constexpr size_t kWidth = Batch::size;

void avx2_bias_gelu(float* row, const float* bias, size_t n) {
  const Batch half(0.5f), one(1.0f), inverse_sqrt2(0.70710678118654752f);
  size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    Batch x = Batch::load_unaligned(row + i) + Batch::load_unaligned(bias + i);
    Batch y = half * x * (one + xsimd::erf(x * inverse_sqrt2));
    y.store_unaligned(row + i);
  }
  for (; i < n; ++i) {
    float x = row[i] + bias[i];
    row[i] = 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  }
}

void avx2_bias_layer_norm(float* row, const float* bias, const float* gamma, const float* beta,
                          size_t n, float eps) {
  Batch sums(0.0f);
  size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    Batch x = Batch::load_unaligned(row + i) + Batch::load_unaligned(bias + i);
    x.store_unaligned(row + i);
    sums += x;
  }
  float sum = xsimd::hadd(sums);
  for (; i < n; ++i) {
    row[i] += bias[i];
    sum += row[i];
  }
  const float mean = sum / static_cast<float>(n);
  const Batch means(mean);
  Batch squares(0.0f);
  for (i = 0; i + kWidth <= n; i += kWidth) {
    Batch centered = Batch::load_unaligned(row + i) - means;
    squares = xsimd::fma(centered, centered, squares);
  }
  float square_sum = xsimd::hadd(squares);
  for (; i < n; ++i) square_sum += (row[i] - mean) * (row[i] - mean);
  const float inverse_std = 1.0f / std::sqrt(square_sum / static_cast<float>(n) + eps);
  const Batch scale(inverse_std);
  for (i = 0; i + kWidth <= n; i += kWidth) {
    Batch x = (Batch::load_unaligned(row + i) - means) * scale;
    xsimd::fma(x, Batch::load_unaligned(gamma + i), Batch::load_unaligned(beta + i))
        .store_unaligned(row + i);
  }
  for (; i < n; ++i) row[i] = (row[i] - mean) * inverse_std * gamma[i] + beta[i];
}

void avx2_softmax(float* row, size_t n) {
  float max_value = row[0];
  for (size_t i = 1; i < n; ++i) max_value = std::fmax(max_value, row[i]);
  const Batch maxes(max_value);
  Batch sums(0.0f);
  size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) {
    Batch e = xsimd::exp(Batch::load_unaligned(row + i) - maxes);
    e.store_unaligned(row + i);
    sums += e;
  }
  float sum = xsimd::hadd(sums);
  for (; i < n; ++i) {
    row[i] = std::exp(row[i] - max_value);
    sum += row[i];
  }
  const float inverse = 1.0f / sum;
  const Batch inverses(inverse);
  for (i = 0; i + kWidth <= n; i += kWidth) {
    (Batch::load_unaligned(row + i) * inverses).store_unaligned(row + i);
  }
  for (; i < n; ++i) row[i] *= inverse;
}

// ROWS x 16 block over packed operands: `rows` holds k steps of kBlockRows consecutive x
// values (one per row), `panel` k steps of 16 weights; 2*ROWS accumulators stay in registers.
constexpr size_t kBlockRows = 6;

template <size_t ROWS>
void avx2_gemm_block(size_t k, const float* rows, const float* panel, float* out, size_t ldout) {
  Batch low[ROWS], high[ROWS];
  for (size_t r = 0; r < ROWS; ++r) {
    low[r] = Batch(0.0f);
    high[r] = Batch(0.0f);
  }
  for (size_t i = 0; i < k; ++i) {
    const Batch w_low = Batch::load_aligned(panel + i * kPanelWidth);
    const Batch w_high = Batch::load_aligned(panel + i * kPanelWidth + kWidth);
    for (size_t r = 0; r < ROWS; ++r) {
      const Batch value(rows[i * kBlockRows + r]);
      low[r] = xsimd::fma(value, w_low, low[r]);
      high[r] = xsimd::fma(value, w_high, high[r]);
    }
  }
  for (size_t r = 0; r < ROWS; ++r) {
    float* target = out + r * ldout;
    (Batch::load_unaligned(target) + low[r]).store_unaligned(target);
    (Batch::load_unaligned(target + kWidth) + high[r]).store_unaligned(target + kWidth);
  }
}

using BlockFunction = void (*)(size_t, const float*, const float*, float*, size_t);
constexpr BlockFunction kBlockByRows[kBlockRows + 1] = {nullptr,
                                                        avx2_gemm_block<1>,
                                                        avx2_gemm_block<2>,
                                                        avx2_gemm_block<3>,
                                                        avx2_gemm_block<4>,
                                                        avx2_gemm_block<5>,
                                                        avx2_gemm_block<6>};

void avx2_gemm_packed(size_t m, size_t n, size_t k, const float* x, size_t ldx,
                      const float* packed_w, float* out, size_t ldout) {
  // Rows are processed in chunks whose packed copy stays in L2 while every weight panel streams
  // past it; the copy lays each group of 6 rows out k-major, so the inner loop reads memory
  // sequentially. The buffer is per thread and reused, so steady state allocates nothing.
  constexpr size_t kRowChunk = 48;
  thread_local std::vector<float> packed_rows;
  if (packed_rows.size() < kRowChunk * k) packed_rows.resize(kRowChunk * k);
  for (size_t chunk = 0; chunk < m; chunk += kRowChunk) {
    const size_t chunk_rows = std::min(m - chunk, kRowChunk);
    const size_t blocks = (chunk_rows + kBlockRows - 1) / kBlockRows;
    for (size_t block = 0; block < blocks; ++block) {
      float* target = packed_rows.data() + block * kBlockRows * k;
      const size_t first = chunk + block * kBlockRows;
      const size_t rows = std::min(kBlockRows, chunk + chunk_rows - first);
      for (size_t r = 0; r < rows; ++r) {
        const float* source = x + (first + r) * ldx;
        for (size_t i = 0; i < k; ++i) target[i * kBlockRows + r] = source[i];
      }
    }
    for (size_t panel = 0; panel < n / kPanelWidth; ++panel) {
      const float* weights = packed_w + panel * k * kPanelWidth;
      float* column = out + chunk * ldout + panel * kPanelWidth;
      for (size_t block = 0; block < blocks; ++block) {
        const size_t rows = std::min(kBlockRows, chunk_rows - block * kBlockRows);
        kBlockByRows[rows](k, packed_rows.data() + block * kBlockRows * k, weights,
                           column + block * kBlockRows * ldout, ldout);
      }
    }
  }
}

float max_abs(const float* x, size_t k) {
  const __m256 sign_mask = _mm256_set1_ps(-0.0f);
  __m256 largest = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= k; i += 8) {
    largest = _mm256_max_ps(largest, _mm256_andnot_ps(sign_mask, _mm256_loadu_ps(x + i)));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, largest);
  float result = 0.0f;
  for (float lane : lanes) result = std::max(result, lane);
  for (; i < k; ++i) result = std::max(result, std::fabs(x[i]));
  return result;
}

void avx2_quantize_rows(size_t m, size_t k, const float* x, size_t ldx, int8_t* q, size_t ldq,
                        float* scales) {
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (size_t row = 0; row < m; ++row) {
    const float* source = x + row * ldx;
    int8_t* target = q + row * ldq;
    const float largest = max_abs(source, k);
    const float inverse = largest > 0.0f ? 127.0f / largest : 1.0f;
    scales[row] = largest > 0.0f ? largest / 127.0f : 1.0f;
    const __m256 inverses = _mm256_set1_ps(inverse);
    size_t i = 0;
    // cvtps rounds to nearest even (the default MXCSR mode), as std::nearbyint does.
    for (; i + 32 <= k; i += 32) {
      __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(source + i), inverses));
      __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(source + i + 8), inverses));
      __m256i c = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(source + i + 16), inverses));
      __m256i d = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(source + i + 24), inverses));
      __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
      bytes = _mm256_permutevar8x32_epi32(bytes, order);
      // |x * inverse| <= 127 up to rounding; -128 can only come from rounding and is clamped.
      bytes = _mm256_max_epi8(bytes, _mm256_set1_epi8(-127));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(target + i), bytes);
    }
    for (; i < k; ++i) {
      float value = std::clamp(std::nearbyint(source[i] * inverse), -127.0f, 127.0f);
      target[i] = static_cast<int8_t>(value);
    }
    for (; i < ldq; ++i) target[i] = 0;
  }
}

// ROWS rows x one 16-column panel; kExact writes the int32 sums, otherwise the dequantised
// products are added to `out`.
template <size_t ROWS, bool kExact>
void avx2_int8_block(size_t kp, const int8_t* q, size_t ldq, const float* x_scales,
                     const int8_t* panel, const float* w_scales, void* out, size_t ldout) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i low[ROWS], high[ROWS];
  for (size_t r = 0; r < ROWS; ++r) low[r] = high[r] = _mm256_setzero_si256();
  for (size_t group = 0; group < kp / kInt8Group; ++group) {
    const __m256i w_low = _mm256_load_si256(reinterpret_cast<const __m256i*>(panel + group * 64));
    const __m256i w_high =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(panel + group * 64 + 32));
    for (size_t r = 0; r < ROWS; ++r) {
      int32_t packed;
      std::memcpy(&packed, q + r * ldq + group * kInt8Group, sizeof(packed));
      const __m256i x = _mm256_set1_epi32(packed);
      const __m256i magnitude = _mm256_abs_epi8(x);
      low[r] = _mm256_add_epi32(
          low[r],
          _mm256_madd_epi16(_mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(w_low, x)), ones));
      high[r] = _mm256_add_epi32(
          high[r],
          _mm256_madd_epi16(_mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(w_high, x)), ones));
    }
  }
  for (size_t r = 0; r < ROWS; ++r) {
    if constexpr (kExact) {
      int32_t* target = static_cast<int32_t*>(out) + r * ldout;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(target), low[r]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(target + 8), high[r]);
    } else {
      float* target = static_cast<float*>(out) + r * ldout;
      const __m256 row_scale = _mm256_set1_ps(x_scales[r]);
      const __m256 scale_low = _mm256_mul_ps(row_scale, _mm256_loadu_ps(w_scales));
      const __m256 scale_high = _mm256_mul_ps(row_scale, _mm256_loadu_ps(w_scales + 8));
      _mm256_storeu_ps(
          target, _mm256_fmadd_ps(_mm256_cvtepi32_ps(low[r]), scale_low, _mm256_loadu_ps(target)));
      _mm256_storeu_ps(target + 8, _mm256_fmadd_ps(_mm256_cvtepi32_ps(high[r]), scale_high,
                                                   _mm256_loadu_ps(target + 8)));
    }
  }
}

template <bool kExact>
void avx2_int8_products(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                        const float* x_scales, const int8_t* packed_w, const float* w_scales,
                        void* out, size_t ldout) {
  using Block = void (*)(size_t, const int8_t*, size_t, const float*, const int8_t*, const float*,
                         void*, size_t);
  constexpr size_t kRows = 4;
  constexpr Block kBlocks[kRows + 1] = {nullptr, avx2_int8_block<1, kExact>,
                                        avx2_int8_block<2, kExact>, avx2_int8_block<3, kExact>,
                                        avx2_int8_block<4, kExact>};
  const size_t element = kExact ? sizeof(int32_t) : sizeof(float);
  // Panels outer, rows inner: a panel of weights stays in cache while every row passes it.
  for (size_t panel = 0; panel < n / kPanelWidth; ++panel) {
    const size_t column = panel * kPanelWidth;
    for (size_t first = 0; first < m; first += kRows) {
      const size_t rows = std::min(kRows, m - first);
      char* target = static_cast<char*>(out) + (first * ldout + column) * element;
      kBlocks[rows](kp, q + first * ldq, ldq, x_scales ? x_scales + first : nullptr,
                    packed_w + panel * kPanelWidth * kp, w_scales ? w_scales + column : nullptr,
                    target, ldout);
    }
  }
}

void avx2_gemm_int8(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                    const float* x_scales, const int8_t* packed_w, const int32_t*,
                    const float* w_scales, float* out, size_t ldout) {
  avx2_int8_products<false>(m, n, kp, q, ldq, x_scales, packed_w, w_scales, out, ldout);
}

void avx2_gemm_int8_exact(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                          const int8_t* packed_w, const int32_t*, int32_t* acc, size_t ldacc) {
  avx2_int8_products<true>(m, n, kp, q, ldq, nullptr, packed_w, nullptr, acc, ldacc);
}

}  // namespace

const VectorKernels kAvx2Kernels = {"avx2",         avx2_bias_gelu,      avx2_bias_layer_norm,
                                    avx2_softmax,   avx2_gemm_packed,    avx2_quantize_rows,
                                    avx2_gemm_int8, avx2_gemm_int8_exact};

}  // namespace sextant::embed
