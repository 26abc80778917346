// The CPU-feature probe: the detected level never claims a feature the CPU lacks, and capping
// never raises it.
#include "common/cpu_features.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sextant {
namespace {

bool features_allow(const CpuFeatures& f, IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512:
      return f.avx512f && f.avx512bw && f.avx2 && f.fma && f.f16c && f.popcnt && f.sse41;
    case IsaLevel::kAvx2:
      return f.avx2 && f.fma && f.f16c && f.popcnt && f.sse41;
    case IsaLevel::kSse4:
      return f.sse41;
    case IsaLevel::kScalar:
      return true;
  }
  return false;
}

TEST(CpuFeatures, DetectedLevelNeverExceedsWhatTheCpuReports) {
  const IsaLevel detected = detected_isa_level();
  EXPECT_EQ(detected, highest_isa_level(cpu_features()));
  EXPECT_TRUE(features_allow(cpu_features(), detected)) << isa_level_name(detected);
}

TEST(CpuFeatures, ProbeRunsOncePerProcess) {
  EXPECT_EQ(&cpu_features(), &cpu_features());
  EXPECT_EQ(detected_isa_level(), detected_isa_level());
}

TEST(CpuFeatures, LevelsNeedEveryFeatureOfTheirSet) {
  CpuFeatures f;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kScalar);
  f.sse41 = true;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kSse4);
  f.avx2 = f.fma = f.popcnt = true;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kSse4) << "AVX2 without F16C is not level avx2";
  f.f16c = true;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kAvx2);
  f.avx512f = true;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kAvx2) << "AVX-512F without BW is not level avx512";
  f.avx512bw = true;
  EXPECT_EQ(highest_isa_level(f), IsaLevel::kAvx512);
}

TEST(CpuFeatures, CappingNeverRaisesTheLevel) {
  const IsaLevel detected = detected_isa_level();
  EXPECT_EQ(isa_level_capped_at(IsaLevel::kScalar), IsaLevel::kScalar);
  EXPECT_EQ(isa_level_capped_at(IsaLevel::kAvx512), detected);
  for (IsaLevel cap : {IsaLevel::kScalar, IsaLevel::kSse4, IsaLevel::kAvx2, IsaLevel::kAvx512}) {
    const IsaLevel capped = isa_level_capped_at(cap);
    EXPECT_LE(capped, cap) << isa_level_name(cap);
    EXPECT_LE(capped, detected) << isa_level_name(cap);
    EXPECT_TRUE(capped == cap || capped == detected) << isa_level_name(cap);
  }
}

TEST(CpuFeatures, SupportedLevelsRunFromTheDetectedOneDownToScalar) {
  const auto levels = supported_isa_levels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), detected_isa_level());
  EXPECT_EQ(levels.back(), IsaLevel::kScalar);
  for (size_t i = 1; i < levels.size(); ++i) EXPECT_LT(levels[i], levels[i - 1]);
  EXPECT_EQ(levels.size(), static_cast<size_t>(detected_isa_level()) + 1);
}

TEST(CpuFeatures, LevelsHaveTheKernelTablesNames) {
  EXPECT_EQ(std::string(isa_level_name(IsaLevel::kScalar)), "scalar");
  EXPECT_EQ(std::string(isa_level_name(IsaLevel::kSse4)), "sse4");
  EXPECT_EQ(std::string(isa_level_name(IsaLevel::kAvx2)), "avx2");
  EXPECT_EQ(std::string(isa_level_name(IsaLevel::kAvx512)), "avx512");
}

}  // namespace
}  // namespace sextant
