// The element-wise parts of the encoder (GELU, bias + LayerNorm, softmax, L2 normalisation),
// compiled once per instruction set and chosen once, at first use, by vector_kernels() for the
// instruction-set level of common/cpu_features.hpp (the one CPU probe of the process). The
// scalar table is the test oracle for the others.
//
// Row functions work on one contiguous row of n floats; none of the functions allocate.
//
// Packed weights (see packed_weights.hpp): a [n x k] Linear weight W is stored as n/16 panels,
// each k rows of 16 consecutive output columns, so the product kernel streams one panel per
// 16 outputs. n must be a multiple of kPanelWidth.
#pragma once

#include <cstddef>

#include "common/cpu_features.hpp"

namespace sextant::embed {

inline constexpr size_t kPanelWidth = 16;

struct VectorKernels {
  const char* name;
  // row[i] = gelu(row[i] + bias[i]) with the exact form 0.5 * x * (1 + erf(x / sqrt(2))).
  void (*bias_gelu)(float* row, const float* bias, size_t n);
  // row = LayerNorm(row + bias) * gamma + beta (biased variance, as PyTorch).
  void (*bias_layer_norm)(float* row, const float* bias, const float* gamma, const float* beta,
                          size_t n, float eps);
  // row = softmax(row) along the row, max-subtracted for stability.
  void (*softmax)(float* row, size_t n);
  // out[m x n] += x[m x k] * W^T with W packed as above; ldx/ldout are row strides in floats.
  void (*gemm_packed)(size_t m, size_t n, size_t k, const float* x, size_t ldx,
                      const float* packed_w, float* out, size_t ldout);
};

// The best table this CPU supports; the same object for the life of the process.
const VectorKernels& vector_kernels();
// The table vector_kernels() would choose on a CPU of at most level `cap` (tests, benchmarks).
const VectorKernels& vector_kernels_capped_at(IsaLevel cap);
// Every table this CPU can run (scalar first), for tests that compare them.
const VectorKernels* const* available_vector_kernels(size_t* count);

// Per-ISA tables, defined in kernels_<isa>.cpp.
extern const VectorKernels kScalarKernels;
extern const VectorKernels kAvx2Kernels;

}  // namespace sextant::embed
