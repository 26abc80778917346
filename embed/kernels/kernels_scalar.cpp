// Portable reference kernels: plain single-precision loops with std::erf and std::exp, the
// oracle the SIMD tables are tested against.
#include <cmath>

#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

void scalar_bias_gelu(float* row, const float* bias, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float x = row[i] + bias[i];
    row[i] = 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  }
}

void scalar_bias_layer_norm(float* row, const float* bias, const float* gamma, const float* beta,
                            size_t n, float eps) {
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    row[i] += bias[i];
    sum += row[i];
  }
  float mean = sum / static_cast<float>(n);
  float squares = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    float centered = row[i] - mean;
    squares += centered * centered;
  }
  float inverse_std = 1.0f / std::sqrt(squares / static_cast<float>(n) + eps);
  for (size_t i = 0; i < n; ++i) row[i] = (row[i] - mean) * inverse_std * gamma[i] + beta[i];
}

void scalar_softmax(float* row, size_t n) {
  float max_value = row[0];
  for (size_t i = 1; i < n; ++i) max_value = std::fmax(max_value, row[i]);
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    row[i] = std::exp(row[i] - max_value);
    sum += row[i];
  }
  float inverse = 1.0f / sum;
  for (size_t i = 0; i < n; ++i) row[i] *= inverse;
}

void scalar_gemm_packed(size_t m, size_t n, size_t k, const float* x, size_t ldx,
                        const float* packed_w, float* out, size_t ldout) {
  for (size_t panel = 0; panel < n / kPanelWidth; ++panel) {
    const float* weights = packed_w + panel * k * kPanelWidth;
    for (size_t row = 0; row < m; ++row) {
      float sums[kPanelWidth] = {};
      for (size_t i = 0; i < k; ++i) {
        const float value = x[row * ldx + i];
        for (size_t j = 0; j < kPanelWidth; ++j) sums[j] += value * weights[i * kPanelWidth + j];
      }
      float* target = out + row * ldout + panel * kPanelWidth;
      for (size_t j = 0; j < kPanelWidth; ++j) target[j] += sums[j];
    }
  }
}

}  // namespace

const VectorKernels kScalarKernels = {"scalar", scalar_bias_gelu, scalar_bias_layer_norm,
                                      scalar_softmax, scalar_gemm_packed};

}  // namespace sextant::embed
