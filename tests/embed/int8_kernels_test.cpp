// The int8 kernels of every table against a scalar reference written from the definitions (not
// from the packed layout): activation quantisation byte for byte, and the integer sums of the
// products exactly, including the extremes (+-127 everywhere, where a kernel that saturates
// int16 pair sums would differ), row counts and column counts that are not multiples of the
// kernels' blocks, and k not a multiple of the group.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "embed/kernels/vector_kernels.hpp"
#include "embed/quantized_weights.hpp"

namespace sextant::embed {
namespace {

std::vector<const VectorKernels*> tables() {
  size_t count = 0;
  const VectorKernels* const* all = available_vector_kernels(&count);
  return {all, all + count};
}

size_t padded(size_t k) { return (k + kInt8Group - 1) / kInt8Group * kInt8Group; }

// Integer weights in [-127, 127] with a +-127 in every row, so quantisation keeps them exactly
// (scale 1) and the packed copy holds the same integers.
std::vector<float> integer_weights(size_t n, size_t k, uint32_t seed, bool extreme) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> value(-127, 127);
  std::vector<float> weights(n * k);
  for (size_t c = 0; c < n; ++c) {
    for (size_t i = 0; i < k; ++i) {
      weights[c * k + i] =
          extreme ? ((c + i) % 3 == 0 ? -127.0f : 127.0f) : static_cast<float>(value(generator));
    }
    weights[c * k] = (c % 2) ? 127.0f : -127.0f;
  }
  return weights;
}

std::vector<int8_t> integer_activations(size_t m, size_t kp, size_t k, uint32_t seed,
                                        bool extreme) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> value(-127, 127);
  std::vector<int8_t> q(m * kp, 0);
  for (size_t r = 0; r < m; ++r) {
    for (size_t i = 0; i < k; ++i) {
      q[r * kp + i] = static_cast<int8_t>(extreme ? ((r + i) % 2 ? 127 : -127) : value(generator));
    }
  }
  return q;
}

TEST(Int8Kernels, QuantisedWeightsKeepIntegerWeightsAndTheirSums) {
  const size_t n = 32, k = 10;
  auto weights = integer_weights(n, k, 7, false);
  QuantizedWeights quantized(weights.data(), n, k);
  ASSERT_EQ(quantized.padded_in_features(), 12u);
  for (size_t c = 0; c < n; ++c) {
    EXPECT_EQ(quantized.scales()[c], 1.0f);
    int32_t sum = 0;
    for (size_t i = 0; i < k; ++i) sum += static_cast<int32_t>(weights[c * k + i]);
    EXPECT_EQ(quantized.sums()[c], sum);
  }
}

TEST(Int8Kernels, ProductSumsEqualTheScalarReferenceExactly) {
  for (const VectorKernels* kernels : tables()) {
    for (bool extreme : {false, true}) {
      for (size_t m : {1u, 3u, 4u, 5u, 13u, 67u}) {
        for (size_t n : {16u, 48u, 64u, 80u, 384u}) {
          for (size_t k : {4u, 10u, 384u, 1536u}) {
            const size_t kp = padded(k);
            auto weights = integer_weights(n, k, static_cast<uint32_t>(m * n + k), extreme);
            QuantizedWeights quantized(weights.data(), n, k);
            auto q = integer_activations(m, kp, k, static_cast<uint32_t>(m + n * k), extreme);
            std::vector<int32_t> actual(m * n, -1);
            kernels->gemm_int8_exact(m, n, kp, q.data(), kp, quantized.data(), quantized.sums(),
                                     actual.data(), n);
            for (size_t r = 0; r < m; ++r) {
              for (size_t c = 0; c < n; ++c) {
                int32_t expected = 0;
                for (size_t i = 0; i < k; ++i) {
                  expected += int32_t{q[r * kp + i]} * static_cast<int32_t>(weights[c * k + i]);
                }
                ASSERT_EQ(actual[r * n + c], expected)
                    << kernels->name << " m=" << m << " n=" << n << " k=" << k << " row " << r
                    << " column " << c << (extreme ? " (extreme)" : "");
              }
            }
          }
        }
      }
    }
  }
}

TEST(Int8Kernels, DequantisedProductsAddTheScaledSumsToTheOutput) {
  const size_t m = 7, n = 48, k = 40, kp = padded(k);
  auto weights = integer_weights(n, k, 11, false);
  for (float& w : weights) w *= 0.01f;  // scale 0.01 per column, same integers
  QuantizedWeights quantized(weights.data(), n, k);
  auto q = integer_activations(m, kp, k, 12, false);
  std::vector<float> x_scales(m);
  for (size_t r = 0; r < m; ++r) x_scales[r] = 0.5f + 0.25f * static_cast<float>(r);
  std::vector<int32_t> sums(m * n);
  kScalarKernels.gemm_int8_exact(m, n, kp, q.data(), kp, quantized.data(), quantized.sums(),
                                 sums.data(), n);
  for (const VectorKernels* kernels : tables()) {
    std::vector<float> out(m * n, 1.0f);
    kernels->gemm_int8(m, n, kp, q.data(), kp, x_scales.data(), quantized.data(), quantized.sums(),
                       quantized.scales(), out.data(), n);
    for (size_t r = 0; r < m; ++r) {
      for (size_t c = 0; c < n; ++c) {
        const double expected = 1.0 + double(sums[r * n + c]) * x_scales[r] * quantized.scales()[c];
        EXPECT_NEAR(out[r * n + c], expected, 1e-5 * (1.0 + std::fabs(expected))) << kernels->name;
      }
    }
  }
}

TEST(Int8Kernels, RowQuantisationMatchesTheDefinitionByteForByte) {
  std::mt19937 generator(5);
  std::normal_distribution<float> value(0.0f, 2.0f);
  for (const VectorKernels* kernels : tables()) {
    for (size_t k : {1u, 7u, 31u, 32u, 33u, 384u, 1536u}) {
      const size_t m = 5, kp = padded(k);
      std::vector<float> x(m * k);
      for (auto& v : x) v = value(generator);
      std::fill(x.begin(), x.begin() + k, 0.0f);  // an all-zero row: scale 1, zeros
      std::vector<int8_t> q(m * kp, 99);
      std::vector<float> scales(m);
      kernels->quantize_rows(m, k, x.data(), k, q.data(), kp, scales.data());
      for (size_t r = 0; r < m; ++r) {
        float largest = 0.0f;
        for (size_t i = 0; i < k; ++i) largest = std::max(largest, std::fabs(x[r * k + i]));
        EXPECT_EQ(scales[r], largest > 0.0f ? largest / 127.0f : 1.0f) << kernels->name;
        const float inverse = largest > 0.0f ? 127.0f / largest : 1.0f;
        for (size_t i = 0; i < kp; ++i) {
          const int expected = i < k ? static_cast<int>(std::nearbyint(x[r * k + i] * inverse)) : 0;
          ASSERT_EQ(int{q[r * kp + i]}, expected) << kernels->name << " k=" << k << " i=" << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sextant::embed
