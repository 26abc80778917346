// Product quantization: sub-vector layout follows the compression ratio, training is
// deterministic, codes decode to near the original vectors, the lookup-table distance equals the
// distance to the decoded vector, and a graph walked on PQ codes then rescored on float32 finds
// what brute force finds, with exact scores.
#include <gtest/gtest.h>

#include <cmath>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/quantization/product_quantizer.hpp"
#include "tests/index/hnsw_test_support.hpp"

namespace sextant::index {
namespace {

using testing::brute_force;
using testing::clustered;
using testing::Dataset;
using testing::iota_offsets;
using testing::overlap;

// Graphs are built on one thread so that every run sees the same graph (recall thresholds are
// then reproducible, not luck of the insertion order).

constexpr size_t kRows = 4000;
constexpr size_t kDim = 64;

ProductVectors encode(Dataset& data, uint32_t compression) {
  const auto offsets = iota_offsets(data.rows());
  ProductVectors codes(ProductQuantizer::train(
      data.source(), offsets, ProductQuantizer::sub_count_for(uint32_t(data.dim), compression), 2));
  codes.encode_all(offsets, data.source(), 2);
  return codes;
}

// The vector a code stands for: each sub-vector's centroid.
std::vector<float> decode(const ProductQuantizer& quantizer, const uint8_t* code) {
  std::vector<float> out(quantizer.dim());
  for (uint32_t sub = 0; sub < quantizer.sub_count(); ++sub) {
    const float* centre = quantizer.codebooks().data() +
                          size_t(quantizer.begin(sub)) * ProductQuantizer::kCentroids +
                          size_t(code[sub]) * quantizer.sub_dim(sub);
    std::copy(centre, centre + quantizer.sub_dim(sub), out.begin() + quantizer.begin(sub));
  }
  return out;
}

TEST(ProductQuantizer, SubVectorsFollowTheCompressionRatio) {
  EXPECT_EQ(ProductQuantizer::sub_count_for(384, 4), 384u);
  EXPECT_EQ(ProductQuantizer::sub_count_for(384, 16), 96u);
  EXPECT_EQ(ProductQuantizer::sub_count_for(384, 64), 24u);
  EXPECT_EQ(ProductQuantizer::sub_count_for(10, 64), 1u);
  const ProductQuantizer quantizer(10, 3, {});
  EXPECT_EQ(quantizer.begin(0), 0u);
  EXPECT_EQ(quantizer.sub_dim(0) + quantizer.sub_dim(1) + quantizer.sub_dim(2), 10u);
}

TEST(ProductQuantizer, TrainingIsDeterministicAndCodesDecodeNearTheVector) {
  Dataset data = clustered(2000, kDim, 501);
  const ProductVectors first = encode(data, 16);
  const ProductVectors second = encode(data, 16);
  EXPECT_EQ(first.quantizer().codebooks(), second.quantizer().codebooks());
  ASSERT_TRUE(std::equal(first.codes().begin(), first.codes().end(), second.codes().begin()));
  double error = 0;
  for (uint32_t i = 0; i < 2000; ++i) {
    const auto code = static_cast<const uint8_t*>(first.vector_data(i));
    const auto decoded = decode(first.quantizer(), code);
    error += l2_squared(decoded.data(), data.row(i), kDim);
  }
  EXPECT_LT(error / 2000, 0.2);  // unit vectors: far below the ~2 between random ones
}

TEST(ProductQuantizer, TableDistanceIsTheDistanceToTheDecodedVector) {
  Dataset data = clustered(1000, kDim, 511, false);
  const ProductVectors codes = encode(data, 8);
  const ProductQuantizer& quantizer = codes.quantizer();
  std::vector<float> table(quantizer.sub_count() * ProductQuantizer::kCentroids);
  for (Distance distance : {Distance::kDot, Distance::kEuclid, Distance::kManhattan}) {
    quantizer.fill_table(distance, data.row(0), table.data());
    const ProductCodeDistance by_table{distance, quantizer.sub_count()};
    for (uint32_t i = 1; i < 50; ++i) {
      const auto code = static_cast<const uint8_t*>(codes.vector_data(i));
      const auto decoded = decode(quantizer, code);
      const float expected = score(distance, data.row(0), decoded.data(), kDim);
      EXPECT_NEAR(by_table.to_score(by_table(table.data(), code)), expected,
                  1e-3f * (1 + std::fabs(expected)));
    }
  }
}

class ProductSearchTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  void SetUp() override {
    data_ = clustered(kRows, kDim, 521);
    queries_ = clustered(100, kDim, 522);
    params_.dim = kDim;
    params_.distance = Distance::kCosine;
  }

  double recall(const HnswGraph& graph, const ProductVectors* codes, size_t ef, double oversampling,
                bool rescore) {
    size_t hits = 0;
    for (size_t q = 0; q < queries_.rows(); ++q) {
      SearchRequest request;
      request.query = queries_.row(q);
      request.k = 10;
      request.ef = ef;
      request.product = codes;
      request.oversampling = oversampling;
      request.rescore = rescore;
      const auto found = graph.search(request, data_.source());
      EXPECT_EQ(found.size(), 10u);
      for (const auto& hit : found) {
        const float exact = score(params_.distance, queries_.row(q), data_.row(hit.offset), kDim);
        EXPECT_NEAR(hit.score, exact, rescore ? 1e-5f : 0.2f);
      }
      hits += overlap(found, brute_force(data_, params_.distance, queries_.row(q), 10));
    }
    return double(hits) / double(queries_.rows() * 10);
  }

  Dataset data_;
  Dataset queries_;
  HnswParams params_;
};

TEST_P(ProductSearchTest, WalkOnCodesThenRescoreMatchesBruteForce) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const ProductVectors codes = encode(data_, GetParam());
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.9);
}

INSTANTIATE_TEST_SUITE_P(Compression, ProductSearchTest, ::testing::Values(4u, 8u),
                         [](const auto& info) {
                           return std::string("x").append(std::to_string(info.param));
                         });

TEST_F(ProductSearchTest, CoarserCodesNeedMoreOversampling) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const ProductVectors codes = encode(data_, 16);  // 4 components per byte
  const double narrow = recall(graph, &codes, 64, 1.0, true);
  const double wide = recall(graph, &codes, 128, 10.0, true);
  EXPECT_GT(wide, narrow);
  EXPECT_GE(wide, 0.9);
}

TEST_F(ProductSearchTest, WithoutRescoringScoresAreTableEstimates) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const ProductVectors codes = encode(data_, 8);
  EXPECT_GE(recall(graph, &codes, 64, 1.0, false), 0.5);
}

}  // namespace
}  // namespace sextant::index
