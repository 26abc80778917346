// The element-wise parts of the encoder (GELU, bias + LayerNorm, softmax, L2 normalisation),
// and the dense products (float on packed weights, int8 on quantised ones), compiled once per
// instruction set and chosen once, at first use, by vector_kernels() for the instruction-set
// level of common/cpu_features.hpp (the one CPU probe of the process). The scalar table is the
// test oracle for the others.
//
// Row functions work on one contiguous row of n floats; none of the functions allocate.
//
// Packed weights (see packed_weights.hpp): a [n x k] Linear weight W is stored as n/16 panels,
// each k rows of 16 consecutive output columns, so the product kernel streams one panel per
// 16 outputs. n must be a multiple of kPanelWidth.
//
// Int8 products (see quantized_weights.hpp): weights are int8 in [-127, 127] with one scale per
// output column, packed as n/16 panels of k/4 groups, each group 16 columns x 4 consecutive k
// bytes (the operand layout of vpdpbusd and of vpmaddubsw + vpmaddwd). Activations are
// quantised per row (token) to int8 in [-127, 127] with one scale per row. Every table computes
// the same exact int32 sums; only the order of the float epilogue may differ.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/cpu_features.hpp"

namespace sextant::embed {

inline constexpr size_t kPanelWidth = 16;
// Int8 operands are padded (with zeros) to a multiple of kInt8Group along k.
inline constexpr size_t kInt8Group = 4;

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
  // Per-row symmetric quantisation: scales[r] = max|x[r]| / 127 (1 for an all-zero row),
  // q[r][i] = round-to-nearest-even(x[r][i] / scales[r]) for i < k, zeros up to ldq. ldq is a
  // multiple of kInt8Group and >= k.
  void (*quantize_rows)(size_t m, size_t k, const float* x, size_t ldx, int8_t* q, size_t ldq,
                        float* scales);
  // out[r][c] += float(sum_i q[r][i] * W[c][i]) * x_scales[r] * w_scales[c], with kp = the
  // padded k (multiple of kInt8Group) and W packed as above. w_sums[c] = sum_i W[c][i] (kernels
  // that offset activations to unsigned bytes subtract 128 * w_sums[c]).
  void (*gemm_int8)(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                    const float* x_scales, const int8_t* packed_w, const int32_t* w_sums,
                    const float* w_scales, float* out, size_t ldout);
  // The same products without the float epilogue: acc[r][c] = sum_i q[r][i] * W[c][i] exactly
  // (tests compare these integers across tables).
  void (*gemm_int8_exact)(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                          const int8_t* packed_w, const int32_t* w_sums, int32_t* acc,
                          size_t ldacc);
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
// The AVX-512 VNNI table is the AVX2 table with vpdpbusd int8 products (kernel_dispatch.cpp
// builds it from these two, defined in kernels_avx512_vnni.cpp).
void avx512_vnni_gemm_int8(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                           const float* x_scales, const int8_t* packed_w, const int32_t* w_sums,
                           const float* w_scales, float* out, size_t ldout);
void avx512_vnni_gemm_int8_exact(size_t m, size_t n, size_t kp, const int8_t* q, size_t ldq,
                                 const int8_t* packed_w, const int32_t* w_sums, int32_t* acc,
                                 size_t ldacc);

}  // namespace sextant::embed
