// The encoder's matrix products, through OpenBLAS (Debian's pthread build). This is the only file
// pair that includes cblas.h, so the BLAS choice can change in one place.
//
// Matrices are row-major with explicit leading dimensions (row strides, in floats), so heads can
// be addressed inside the fused QKV buffer without copies.
#pragma once

#include <cstddef>

namespace sextant::embed {

// C[m x n] = alpha * A[m x k] * B[n x k]^T + beta * C
void gemm_a_bt(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
               const float* b, size_t ldb, float beta, float* c, size_t ldc);
// C[m x n] = alpha * A[m x k] * B[k x n] + beta * C
void gemm_a_b(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b,
              size_t ldb, float beta, float* c, size_t ldc);

// Threads OpenBLAS may use inside one product (process-wide setting). Sextant runs one
// encoder batch per worker thread, so the service sets 1.
void set_blas_threads(int threads);
int blas_threads();

}  // namespace sextant::embed
