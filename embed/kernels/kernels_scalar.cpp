// Portable reference kernels: plain single-precision loops with std::erf and std::exp, the
// oracle the SIMD tables are tested against.
#include <algorithm>
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

void scalar_quantize_rows(size_t m, size_t k, const float* x, size_t ldx, int8_t* q, size_t ldq,
                          float* scales) {
  for (size_t row = 0; row < m; ++row) {
    const float* source = x + row * ldx;
    int8_t* target = q + row * ldq;
    float largest = 0.0f;
    for (size_t i = 0; i < k; ++i) largest = std::max(largest, std::fabs(source[i]));
    const float inverse = largest > 0.0f ? 127.0f / largest : 1.0f;
    scales[row] = largest > 0.0f ? largest / 127.0f : 1.0f;
    for (size_t i = 0; i < k; ++i) {
      float value = std::clamp(std::nearbyint(source[i] * inverse), -127.0f, 127.0f);
      target[i] = static_cast<int8_t>(value);
    }
    for (size_t i = k; i < ldq; ++i) target[i] = 0;
  }
}

// sum_i q[row][i] * W[column][i], read from the packed layout (group g of panel p holds
// W[16p + c][4g + j] at byte 64g + 4c + j).
int32_t scalar_int8_dot(size_t kp, const int8_t* row, const int8_t* panel, size_t column) {
  int32_t sum = 0;
  for (size_t group = 0; group < kp / kInt8Group; ++group) {
    const int8_t* weights = panel + group * kPanelWidth * kInt8Group + column * kInt8Group;
    for (size_t j = 0; j < kInt8Group; ++j) {
      sum += int32_t{row[group * kInt8Group + j]} * int32_t{weights[j]};
    }
  }
  return sum;
}

void scalar_gemm_int8(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                      const float* x_scales, const int8_t* packed_w, const int32_t*,
                      const float* w_scales, float* out, size_t ldout) {
  for (size_t row = 0; row < m; ++row) {
    for (size_t column = 0; column < n; ++column) {
      const int8_t* panel = packed_w + (column / kPanelWidth) * kPanelWidth * kp;
      const int32_t sum = scalar_int8_dot(kp, q + row * ldq, panel, column % kPanelWidth);
      out[row * ldout + column] += static_cast<float>(sum) * x_scales[row] * w_scales[column];
    }
  }
}

void scalar_gemm_int8_exact(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                            const int8_t* packed_w, const int32_t*, int32_t* acc, size_t ldacc) {
  for (size_t row = 0; row < m; ++row) {
    for (size_t column = 0; column < n; ++column) {
      const int8_t* panel = packed_w + (column / kPanelWidth) * kPanelWidth * kp;
      acc[row * ldacc + column] = scalar_int8_dot(kp, q + row * ldq, panel, column % kPanelWidth);
    }
  }
}

}  // namespace

const VectorKernels kScalarKernels = {
    "scalar",           scalar_bias_gelu,     scalar_bias_layer_norm, scalar_softmax,
    scalar_gemm_packed, scalar_quantize_rows, scalar_gemm_int8,       scalar_gemm_int8_exact};

}  // namespace sextant::embed
