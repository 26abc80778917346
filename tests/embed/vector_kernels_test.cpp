// Every SIMD kernel table must agree with the scalar oracle, including tails shorter than a
// register and row counts that are not multiples of the product kernel's block.
#include "embed/kernels/vector_kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "embed/packed_weights.hpp"

namespace sextant::embed {
namespace {

std::vector<float> random_values(size_t n, uint32_t seed, float scale = 3.0f) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(-scale, scale);
  std::vector<float> values(n);
  for (auto& value : values) value = distribution(generator);
  return values;
}

class VectorKernelsAgree : public ::testing::TestWithParam<size_t> {
 protected:
  const VectorKernels& table() {
    size_t count = 0;
    const VectorKernels* const* tables = available_vector_kernels(&count);
    if (GetParam() >= count) {
      static const VectorKernels none{};
      return none;
    }
    return *tables[GetParam()];
  }
};

TEST_P(VectorKernelsAgree, GeluLayerNormAndSoftmaxMatchTheScalarOracle) {
  const VectorKernels& kernels = table();
  if (!kernels.name) GTEST_SKIP() << "this CPU has no kernel table #" << GetParam();
  for (size_t n : {1u, 7u, 8u, 13u, 384u, 1536u}) {
    auto input = random_values(n, 1 + n), bias = random_values(n, 2 + n);
    auto gamma = random_values(n, 3 + n), beta = random_values(n, 4 + n);
    auto expected = input, actual = input;
    kScalarKernels.bias_gelu(expected.data(), bias.data(), n);
    kernels.bias_gelu(actual.data(), bias.data(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(actual[i], expected[i], 1e-5f) << kernels.name;

    expected = actual = input;
    kScalarKernels.bias_layer_norm(expected.data(), bias.data(), gamma.data(), beta.data(), n,
                                   1e-12f);
    kernels.bias_layer_norm(actual.data(), bias.data(), gamma.data(), beta.data(), n, 1e-12f);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(actual[i], expected[i], 1e-4f) << kernels.name;

    expected = actual = input;
    kScalarKernels.softmax(expected.data(), n);
    kernels.softmax(actual.data(), n);
    float sum = 0;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(actual[i], expected[i], 1e-6f) << kernels.name;
      sum += actual[i];
    }
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
  }
}

TEST_P(VectorKernelsAgree, PackedProductMatchesAPlainMatrixProduct) {
  const VectorKernels& kernels = table();
  if (!kernels.name) GTEST_SKIP() << "this CPU has no kernel table #" << GetParam();
  const size_t n = 48, k = 37;
  auto weight = random_values(n * k, 11, 1.0f);
  PackedWeights packed(weight.data(), n, k);
  for (size_t m : {1u, 5u, 6u, 7u, 13u, 50u}) {
    auto x = random_values(m * k, 12 + m, 1.0f);
    auto initial = random_values(m * n, 13 + m, 1.0f);
    std::vector<float> out = initial;
    kernels.gemm_packed(m, n, k, x.data(), k, packed.data(), out.data(), n);
    for (size_t row = 0; row < m; ++row) {
      for (size_t column = 0; column < n; ++column) {
        double expected = initial[row * n + column];
        for (size_t i = 0; i < k; ++i) expected += double(x[row * k + i]) * weight[column * k + i];
        EXPECT_NEAR(out[row * n + column], expected, 1e-4) << kernels.name << " m=" << m;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTable, VectorKernelsAgree, ::testing::Values(0u, 1u));

TEST(VectorKernelsDispatch, FollowsTheCommonProbeAndCapsToLowerLevels) {
  const bool avx2 = detected_isa_level() >= IsaLevel::kAvx2;
  const bool vnni = detected_isa_level() >= IsaLevel::kAvx512 && cpu_features().avx512vnni;
  if (vnni) {
    EXPECT_STREQ(vector_kernels().name, "avx512vnni");
    EXPECT_EQ(&vector_kernels_capped_at(IsaLevel::kAvx2), &kAvx2Kernels);
  } else {
    EXPECT_EQ(&vector_kernels(), avx2 ? &kAvx2Kernels : &kScalarKernels);
  }
  EXPECT_EQ(&vector_kernels_capped_at(IsaLevel::kAvx512), &vector_kernels());
  EXPECT_EQ(&vector_kernels_capped_at(IsaLevel::kSse4), &kScalarKernels);
  EXPECT_EQ(&vector_kernels_capped_at(IsaLevel::kScalar), &kScalarKernels);
}

}  // namespace
}  // namespace sextant::embed
