// AVX2 + FMA kernels through xsimd (this file alone is compiled with -mavx2 -mfma; it is only
// called after kernel_dispatch.cpp has checked the CPU). Tails shorter than a register fall back
// to the scalar formulas so results match the oracle to rounding.
#include <algorithm>
#include <cmath>
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

}  // namespace

const VectorKernels kAvx2Kernels = {"avx2", avx2_bias_gelu, avx2_bias_layer_norm, avx2_softmax,
                                    avx2_gemm_packed};

}  // namespace sextant::embed
