// AVX2 + FMA kernels through xsimd (this file alone is compiled with -mavx2 -mfma; it is only
// called after kernel_dispatch.cpp has checked the CPU). Tails shorter than a register fall back
// to the scalar formulas so results match the oracle to rounding.
#include <xsimd/xsimd.hpp>

#include <cmath>

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

}  // namespace

const VectorKernels kAvx2Kernels = {"avx2", avx2_bias_gelu, avx2_bias_layer_norm, avx2_softmax};

}  // namespace sextant::embed
