// RRF and DBSF on hand-made prefetch lists, against Qdrant 1.19's formulas: RRF adds
// 1 / ((position + 1) / weight + k - 1) per list, DBSF normalises each list by mean +- 3 sample
// sigmas; the score threshold keeps scores equal to it.
#include "query/fusion.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace sextant::query {
namespace {

using storage::ScoredOffset;

QueryPlan plan_with_limit(size_t limit) {
  QueryPlan plan;
  plan.limit = limit;
  return plan;
}

const PrefetchResults kLists = {
    {{10, 0.9f}, {11, 0.8f}, {12, 0.7f}},
    {{11, 5.0f}, {13, 4.0f}},
};

TEST(RrfFusion, DefaultKScoresOneOverPositionPlusK) {
  auto fused = fuse_rrf(plan_with_limit(10), RrfQuery{}, kLists);
  ASSERT_TRUE(fused.ok());
  ASSERT_EQ(fused->size(), 4u);
  EXPECT_EQ((*fused)[0].offset, 11u);  // 1/3 + 1/2
  EXPECT_FLOAT_EQ((*fused)[0].score, 1.0f / 3 + 1.0f / 2);
  EXPECT_EQ((*fused)[1].offset, 10u);  // first seen of the two 1/2 scores
  EXPECT_FLOAT_EQ((*fused)[1].score, 0.5f);
  EXPECT_EQ((*fused)[2].offset, 13u);
  EXPECT_FLOAT_EQ((*fused)[2].score, 1.0f / 3);
  EXPECT_FLOAT_EQ((*fused)[3].score, 0.25f);
}

TEST(RrfFusion, WeightsStretchPositions) {
  RrfQuery rrf;
  rrf.k = 4;
  rrf.weights = std::vector<float>{2.0f, 0.0f};
  auto fused = fuse_rrf(plan_with_limit(10), rrf, kLists);
  ASSERT_TRUE(fused.ok());
  ASSERT_EQ(fused->size(), 4u);
  EXPECT_EQ((*fused)[0].offset, 10u);
  EXPECT_FLOAT_EQ((*fused)[0].score, 1.0f / (0.5f + 3));
  EXPECT_FLOAT_EQ((*fused)[1].score, 1.0f / (1.0f + 3));
  EXPECT_FLOAT_EQ((*fused)[3].score, 0.0f);  // weight 0 adds nothing
}

TEST(RrfFusion, WeightCountMustMatchThePrefetches) {
  RrfQuery rrf;
  rrf.weights = std::vector<float>{1.0f};
  auto fused = fuse_rrf(plan_with_limit(10), rrf, kLists);
  ASSERT_FALSE(fused.ok());
  EXPECT_EQ(fused.error().message,
            "Wrong input: Validation failed: RRF weights length (1) does not match number of "
            "prefetches (2)");
}

TEST(RrfFusion, ThresholdKeepsEqualScoresAndOffsetSkips) {
  QueryPlan plan = plan_with_limit(10);
  plan.score_threshold = 0.5f;
  auto fused = fuse_rrf(plan, RrfQuery{}, kLists);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ(fused->size(), 2u);
  plan.score_threshold.reset();
  plan.offset = 1;
  plan.limit = 2;
  fused = fuse_rrf(plan, RrfQuery{}, kLists);
  ASSERT_TRUE(fused.ok());
  ASSERT_EQ(fused->size(), 2u);
  EXPECT_EQ((*fused)[0].offset, 10u);
}

TEST(DbsfFusion, NormalisesByThreeSampleSigmas) {
  auto fused = fuse_dbsf(plan_with_limit(10), {{{1, 3.0f}, {2, 1.0f}}, {{3, 7.0f}}});
  ASSERT_EQ(fused.size(), 3u);
  const float sigma = std::sqrt(2.0f);  // sample sigma of {3, 1}
  const float low = 2.0f - 3 * sigma, high = 2.0f + 3 * sigma;
  EXPECT_FLOAT_EQ(fused[0].score, (3.0f - low) / (high - low));
  EXPECT_EQ(fused[1].offset, 3u);  // a one-point list scores 0.5
  EXPECT_FLOAT_EQ(fused[1].score, 0.5f);
  EXPECT_FLOAT_EQ(fused[2].score, (1.0f - low) / (high - low));
}

TEST(DbsfFusion, EqualScoresScoreOneHalf) {
  auto fused = fuse_dbsf(plan_with_limit(10), {{{1, 2.0f}, {2, 2.0f}}});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_FLOAT_EQ(fused[0].score, 0.5f);
  EXPECT_FLOAT_EQ(fused[1].score, 0.5f);
}

}  // namespace
}  // namespace sextant::query
