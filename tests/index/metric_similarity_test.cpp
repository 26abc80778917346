// Qdrant's raw similarities, max_sim and the uint8/float16 element conversions.
#include "index/distance/metric_similarity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace sextant::index {
namespace {

TEST(MetricSimilarity, EuclidAndManhattanAreNegatedSquaredAndL1Distances) {
  const float a[] = {1, 2, 3}, b[] = {2, 0, 3};
  EXPECT_FLOAT_EQ(metric_similarity(Distance::kEuclid, VectorDatatype::kFloat32, a, b, 3), -5.0f);
  EXPECT_FLOAT_EQ(metric_similarity(Distance::kManhattan, VectorDatatype::kFloat32, a, b, 3),
                  -3.0f);
  EXPECT_FLOAT_EQ(postprocess_score(Distance::kEuclid, -5.0f), std::sqrt(5.0f));
  EXPECT_FLOAT_EQ(postprocess_score(Distance::kManhattan, -3.0f), 3.0f);
}

TEST(MetricSimilarity, Uint8CosineDividesByBothNormsAndIsZeroForAZeroVector) {
  const float a[] = {3, 4}, b[] = {4, 3}, zero[] = {0, 0};
  EXPECT_FLOAT_EQ(metric_similarity(Distance::kCosine, VectorDatatype::kUint8, a, b, 2),
                  24.0f / 25);
  EXPECT_EQ(metric_similarity(Distance::kCosine, VectorDatatype::kUint8, a, zero, 2), 0.0f);
}

TEST(MaxSim, SumsTheBestRowSimilarityOfEveryQueryRow) {
  const float query[] = {1, 0, 0, 1};        // two rows of dim 2
  const float point[] = {2, 0, 0, 3, 1, 1};  // three rows
  EXPECT_FLOAT_EQ(max_sim(Distance::kDot, VectorDatatype::kFloat32, query, 2, point, 3, 2), 5.0f);
  // Euclid: the least squared distance of each query row is 1 (to the row (1, 1)).
  EXPECT_FLOAT_EQ(max_sim(Distance::kEuclid, VectorDatatype::kFloat32, query, 2, point, 3, 2),
                  -1.0f - 1.0f);
}

TEST(ConvertToDatatype, Uint8TruncatesClampsAndMapsNanToZero) {
  std::vector<float> v{256.19f, -3.7f, 3.9f, 0.5f, std::nanf(""), 254.999f};
  convert_to_datatype(VectorDatatype::kUint8, v.data(), v.size());
  EXPECT_EQ(v, (std::vector<float>{255, 0, 3, 0, 0, 254}));
}

TEST(ConvertToDatatype, Float16RoundsToTheNearestHalf) {
  std::vector<float> v{0.1f, 1.0f, 65504.0f};
  convert_to_datatype(VectorDatatype::kFloat16, v.data(), v.size());
  EXPECT_EQ(v[0], 0.0999755859375f);
  EXPECT_EQ(v[1], 1.0f);
  EXPECT_EQ(v[2], 65504.0f);
}

}  // namespace
}  // namespace sextant::index
