// Every kernel table this CPU can run must agree with the scalar reference, on random data of
// every length from 0 to 70 (all tail shapes of 4/8/16/32-wide loops) plus typical embedding
// sizes, and Qdrant's score conventions must hold.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "index/distance/distance.hpp"

namespace sextant::index {
namespace {

std::vector<size_t> lengths() {
  std::vector<size_t> out;
  for (size_t n = 0; n <= 70; ++n) out.push_back(n);
  for (size_t n : {127, 128, 129, 255, 384, 385, 768, 1023, 1536}) out.push_back(n);
  return out;
}

// Float sums in a different order differ by rounding; allow a tolerance scaled by the magnitude.
void expect_close(float actual, float expected, float magnitude, const char* what, size_t n) {
  EXPECT_NEAR(actual, expected, 1e-5f * magnitude + 1e-5f) << what << " n=" << n;
}

class KernelTablesTest : public ::testing::TestWithParam<const KernelTable*> {};

TEST_P(KernelTablesTest, Float32MatchesScalarReference) {
  const KernelTable& simd = *GetParam();
  const KernelTable& ref = scalar_kernels();
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(-2, 2);
  for (size_t n : lengths()) {
    // Offset by one float so loads are unaligned, as they are inside LMDB chunks.
    std::vector<float> a(n + 1), b(n + 1);
    for (auto& v : a) v = uniform(rng);
    for (auto& v : b) v = uniform(rng);
    const float* pa = a.data() + 1;
    const float* pb = b.data() + 1;
    const float magnitude = 4.0f * float(n);
    expect_close(simd.dot_f32(pa, pb, n), ref.dot_f32(pa, pb, n), magnitude, "dot", n);
    expect_close(simd.l2_squared_f32(pa, pb, n), ref.l2_squared_f32(pa, pb, n), 4 * magnitude, "l2",
                 n);
    expect_close(simd.l1_f32(pa, pb, n), ref.l1_f32(pa, pb, n), magnitude, "l1", n);
  }
}

TEST_P(KernelTablesTest, Float16AndUint8MatchScalarReference) {
  const KernelTable& simd = *GetParam();
  const KernelTable& ref = scalar_kernels();
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> uniform(-2, 2);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t n : lengths()) {
    std::vector<uint16_t> ha(n), hb(n);
    std::vector<uint8_t> ua(n), ub(n);
    for (size_t i = 0; i < n; ++i) {
      ha[i] = float_to_half(uniform(rng));
      hb[i] = float_to_half(uniform(rng));
      ua[i] = uint8_t(byte(rng));
      ub[i] = uint8_t(byte(rng));
    }
    const float mag16 = 4.0f * float(n);
    expect_close(simd.dot_f16(ha.data(), hb.data(), n), ref.dot_f16(ha.data(), hb.data(), n), mag16,
                 "dot_f16", n);
    expect_close(simd.l2_squared_f16(ha.data(), hb.data(), n),
                 ref.l2_squared_f16(ha.data(), hb.data(), n), 4 * mag16, "l2_f16", n);
    expect_close(simd.l1_f16(ha.data(), hb.data(), n), ref.l1_f16(ha.data(), hb.data(), n), mag16,
                 "l1_f16", n);
    const float mag8 = 65025.0f * float(n);
    expect_close(simd.dot_u8(ua.data(), ub.data(), n), ref.dot_u8(ua.data(), ub.data(), n), mag8,
                 "dot_u8", n);
    expect_close(simd.l2_squared_u8(ua.data(), ub.data(), n),
                 ref.l2_squared_u8(ua.data(), ub.data(), n), mag8, "l2_u8", n);
    expect_close(simd.l1_u8(ua.data(), ub.data(), n), ref.l1_u8(ua.data(), ub.data(), n),
                 255.0f * float(n), "l1_u8", n);
  }
}

TEST_P(KernelTablesTest, Int8KernelsAreExact) {
  const KernelTable& simd = *GetParam();
  const KernelTable& ref = scalar_kernels();
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> component(-127, 127);
  for (size_t n : lengths()) {
    std::vector<int8_t> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = int8_t(component(rng));
      b[i] = int8_t(component(rng));
    }
    if (n > 3) a[0] = -127, b[0] = -127, a[1] = 127, b[1] = -127;  // extremes
    EXPECT_EQ(simd.dot_i8(a.data(), b.data(), n), ref.dot_i8(a.data(), b.data(), n)) << n;
    EXPECT_EQ(simd.l2_squared_i8(a.data(), b.data(), n), ref.l2_squared_i8(a.data(), b.data(), n))
        << n;
  }
}

INSTANTIATE_TEST_SUITE_P(SupportedIsas, KernelTablesTest,
                         ::testing::ValuesIn(supported_kernel_tables()),
                         [](const auto& info) { return std::string(info.param->isa_name); });

TEST(DistanceDispatch, ChoosesTheBestSupportedTable) {
  EXPECT_EQ(&kernels(), supported_kernel_tables().front());
  EXPECT_EQ(supported_kernel_tables().back()->isa_name, "scalar");
}

TEST(DistanceDispatch, FollowsTheCommonProbeAndCapsToLowerLevels) {
  EXPECT_EQ(kernels().isa_name, isa_level_name(detected_isa_level()));
  EXPECT_EQ(&kernels_capped_at(IsaLevel::kAvx512), &kernels());
  EXPECT_EQ(&kernels_capped_at(IsaLevel::kScalar), &scalar_kernels());
  for (IsaLevel cap : {IsaLevel::kSse4, IsaLevel::kAvx2}) {
    EXPECT_EQ(kernels_capped_at(cap).isa_name, isa_level_name(isa_level_capped_at(cap)));
  }
}

TEST(DistanceScore, FollowsQdrantConventions) {
  const float a[3] = {1, 2, 3};
  const float b[3] = {4, 6, 3};
  EXPECT_FLOAT_EQ(score(Distance::kDot, a, b, 3), 25.0f);
  EXPECT_FLOAT_EQ(score(Distance::kCosine, a, b, 3), 25.0f);  // vectors pre-normalised
  EXPECT_FLOAT_EQ(score(Distance::kEuclid, a, b, 3), 5.0f);
  EXPECT_FLOAT_EQ(score(Distance::kManhattan, a, b, 3), 7.0f);
  EXPECT_TRUE(higher_is_better(Distance::kCosine));
  EXPECT_TRUE(higher_is_better(Distance::kDot));
  EXPECT_FALSE(higher_is_better(Distance::kEuclid));
  EXPECT_FALSE(higher_is_better(Distance::kManhattan));
}

TEST(DistanceScore, OtherDatatypesScoreLikeTheirFloatValues) {
  const uint16_t ha[2] = {float_to_half(1.5f), float_to_half(-2.0f)};
  const uint16_t hb[2] = {float_to_half(2.0f), float_to_half(0.5f)};
  EXPECT_FLOAT_EQ(score(Distance::kDot, ha, hb, 2), 2.0f);
  EXPECT_FLOAT_EQ(score(Distance::kManhattan, ha, hb, 2), 3.0f);
  const uint8_t ua[2] = {3, 10};
  const uint8_t ub[2] = {0, 6};
  EXPECT_FLOAT_EQ(score(Distance::kEuclid, ua, ub, 2), 5.0f);
  EXPECT_FLOAT_EQ(score(Distance::kDot, ua, ub, 2), 60.0f);
}

TEST(DistanceNormalize, ScalesToUnitLengthAndLeavesZeroAlone) {
  std::vector<float> v = {3, 4, 0, 0, 0, 0, 0, 0, 0, 12};
  normalize(v.data(), v.size());
  EXPECT_NEAR(dot(v.data(), v.data(), v.size()), 1.0f, 1e-6f);
  EXPECT_NEAR(v[0], 3.0f / 13.0f, 1e-6f);
  std::vector<float> zero(5, 0.0f);
  normalize(zero.data(), zero.size());
  for (float x : zero) EXPECT_EQ(x, 0.0f);
}

TEST(Float16, ConvertsKnownValues) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);  // rounds past the largest half: infinity
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // least subnormal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000);  // below half of it
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(1.0f + std::ldexp(1.0f, -11)), 0x3c00);  // tie rounds to even
  EXPECT_EQ(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(NAN))));
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
}

TEST(Float16, EveryHalfRoundTripsThroughFloat) {
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    const float value = half_to_float(uint16_t(bits));
    if (std::isnan(value)) continue;
    ASSERT_EQ(float_to_half(value), bits) << std::hex << bits;
  }
}

}  // namespace
}  // namespace sextant::index
