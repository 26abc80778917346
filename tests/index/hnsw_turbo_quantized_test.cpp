// TurboQuant: code sizes follow the bit size, encoding is deterministic, the rotation keeps
// norms, the levels are the Lloyd-Max levels of N(0, 1), inner-product estimates get closer with
// more bits, and a graph walked on turbo codes then rescored on float32 finds what brute force
// finds, with exact scores.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/quantization/turbo_quantizer.hpp"
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

TurboVectors encode(Dataset& data, TurboBits bits) {
  TurboVectors codes{TurboQuantizer(uint32_t(data.dim), bits)};
  codes.encode_all(iota_offsets(data.rows()), data.source(), 2);
  return codes;
}

const uint8_t* code_of(const TurboVectors& codes, uint32_t offset) {
  return static_cast<const uint8_t*>(codes.vector_data(offset));
}

TEST(TurboQuantizer, CodeSizesFollowTheBitSize) {
  // 100 components pad to 128 rotated coordinates; 8 header bytes precede the packed levels.
  EXPECT_EQ(TurboQuantizer(100, TurboBits::kBits4).code_bytes(), 8u + 64u);
  EXPECT_EQ(TurboQuantizer(100, TurboBits::kBits2).code_bytes(), 8u + 32u);
  EXPECT_EQ(TurboQuantizer(100, TurboBits::kBits1).code_bytes(), 8u + 16u);
  EXPECT_EQ(TurboQuantizer(100, TurboBits::kBits1_5).code_dim(), 192u);
  EXPECT_EQ(TurboQuantizer(100, TurboBits::kBits1_5).code_bytes(), 8u + 24u);
  EXPECT_EQ(TurboQuantizer(3, TurboBits::kBits1).code_bytes() % 4, 0u);
}

TEST(TurboQuantizer, LevelsAreTheGaussianLloydMaxLevels) {
  const auto one = TurboQuantizer(8, TurboBits::kBits1).levels();
  ASSERT_EQ(one.size(), 2u);
  EXPECT_NEAR(one[1], 0.7979f, 1e-3f);  // sqrt(2 / pi)
  const auto two = TurboQuantizer(8, TurboBits::kBits2).levels();
  ASSERT_EQ(two.size(), 4u);
  EXPECT_NEAR(two[2], 0.4528f, 1e-3f);
  EXPECT_NEAR(two[3], 1.5104f, 1e-3f);
  const auto four = TurboQuantizer(8, TurboBits::kBits4).levels();
  ASSERT_EQ(four.size(), 16u);
  EXPECT_NEAR(four[8], 0.1284f, 2e-3f);
  EXPECT_NEAR(four[15], 2.7326f, 2e-3f);
  for (size_t i = 0; i < 16; ++i) EXPECT_NEAR(four[i], -four[15 - i], 1e-4f);
}

TEST(TurboQuantizer, RotationKeepsNormsAndInnerProducts) {
  Dataset data = clustered(20, 100, 601, false);
  const TurboQuantizer quantizer(100, TurboBits::kBits4);
  std::vector<float> a(quantizer.code_dim()), b(quantizer.code_dim());
  for (uint32_t i = 0; i + 1 < 20; ++i) {
    quantizer.rotate(data.row(i), a.data());
    quantizer.rotate(data.row(i + 1), b.data());
    const float exact = score(Distance::kDot, data.row(i), data.row(i + 1), 100);
    const float rotated = score(Distance::kDot, a.data(), b.data(), quantizer.code_dim());
    EXPECT_NEAR(rotated, exact, 1e-4f * (1 + std::fabs(exact)));
  }
}

TEST(TurboQuantizer, EncodingIsDeterministic) {
  Dataset data = clustered(500, kDim, 611);
  for (TurboBits bits :
       {TurboBits::kBits1, TurboBits::kBits1_5, TurboBits::kBits2, TurboBits::kBits4}) {
    const TurboVectors first = encode(data, bits);
    const TurboVectors second = encode(data, bits);
    ASSERT_EQ(first.codes().size(), 500 * first.quantizer().code_bytes());
    EXPECT_TRUE(std::equal(first.codes().begin(), first.codes().end(), second.codes().begin()));
  }
  // Another seed rotates differently.
  TurboVectors reseeded{TurboQuantizer(uint32_t(kDim), TurboBits::kBits4, 7)};
  reseeded.encode_all(iota_offsets(500), data.source(), 1);
  const TurboVectors usual = encode(data, TurboBits::kBits4);
  EXPECT_FALSE(std::equal(usual.codes().begin(), usual.codes().end(), reseeded.codes().begin()));
}

// Mean absolute error of the inner-product estimates of `bits` codes against exact values.
double estimate_error(Dataset& data, Dataset& queries, TurboBits bits) {
  const TurboVectors codes = encode(data, bits);
  const TurboQuantizer& quantizer = codes.quantizer();
  std::vector<float> table(quantizer.table_size());
  double error = 0;
  size_t count = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    quantizer.fill_table(queries.row(q), table.data());
    for (uint32_t i = 0; i < data.rows(); ++i, ++count) {
      const float exact = score(Distance::kDot, queries.row(q), data.row(i), data.dim);
      error += std::fabs(quantizer.estimate_dot(table.data(), code_of(codes, i)) - exact);
    }
  }
  return error / double(count);
}

TEST(TurboQuantizer, EstimateErrorShrinksWithMoreBits) {
  Dataset data = clustered(1000, kDim, 621);
  Dataset queries = clustered(20, kDim, 622);
  const double one = estimate_error(data, queries, TurboBits::kBits1);
  const double one_and_half = estimate_error(data, queries, TurboBits::kBits1_5);
  const double two = estimate_error(data, queries, TurboBits::kBits2);
  const double four = estimate_error(data, queries, TurboBits::kBits4);
  EXPECT_LT(one_and_half, one);
  EXPECT_LT(two, one_and_half);
  EXPECT_LT(four, two);
  EXPECT_LT(four, 0.05);  // unit vectors: inner products lie in [-1, 1]
}

TEST(TurboQuantizer, SelfEstimateIsTheSquaredNorm) {
  Dataset data = clustered(50, kDim, 631, false);
  const TurboVectors codes = encode(data, TurboBits::kBits2);
  std::vector<float> table(codes.quantizer().table_size());
  for (uint32_t i = 0; i < 50; ++i) {
    const float squared_norm = codes.quantizer().fill_table(data.row(i), table.data());
    EXPECT_NEAR(codes.quantizer().estimate_dot(table.data(), code_of(codes, i)), squared_norm,
                1e-3f * squared_norm);
  }
}

TEST(TurboQuantizer, EuclidDistanceEstimatesTheSquaredDistance) {
  Dataset data = clustered(200, kDim, 641, false);
  const TurboVectors codes = encode(data, TurboBits::kBits4);
  std::vector<float> table(codes.quantizer().table_size());
  const float query_norm = codes.quantizer().fill_table(data.row(0), table.data());
  const TurboCodeDistance by_table{Distance::kEuclid, codes.quantizer().packed_bytes(), query_norm};
  double error = 0, total = 0;
  for (uint32_t i = 1; i < 200; ++i) {
    const float exact = score(Distance::kEuclid, data.row(0), data.row(i), kDim);
    error += std::fabs(by_table.to_score(by_table(table.data(), code_of(codes, i))) - exact);
    total += exact;
  }
  EXPECT_LT(error, 0.1 * total);
}

// Clustered points of `intrinsic` dimensions mapped into `dim` by one fixed random linear map,
// normalised: like embeddings, whose neighbourhoods live in far fewer dimensions than they have
// components (the quantization error spreads over all `dim` rotated coordinates).
Dataset embedded_clusters(size_t rows, size_t intrinsic, size_t dim, uint32_t seed) {
  const Dataset low = clustered(rows, intrinsic, seed, false);
  std::mt19937 random(77);
  std::normal_distribution<float> gauss(0, 1);
  std::vector<float> basis(intrinsic * dim);
  for (auto& value : basis) value = gauss(random);
  Dataset out;
  out.dim = dim;
  out.values.assign(rows * dim, 0.0f);
  for (size_t i = 0; i < rows; ++i) {
    float* row = out.values.data() + i * dim;
    for (size_t k = 0; k < intrinsic; ++k)
      for (size_t j = 0; j < dim; ++j) row[j] += low.row(i)[k] * basis[k * dim + j];
    normalize(row, dim);
  }
  return out;
}

constexpr size_t kSearchDim = 128;

class TurboSearchTest : public ::testing::TestWithParam<TurboBits> {
 protected:
  void SetUp() override {
    data_ = embedded_clusters(kRows, 32, kSearchDim, 651);
    queries_ = embedded_clusters(100, 32, kSearchDim, 652);
    params_.dim = kSearchDim;
    params_.distance = Distance::kCosine;
  }

  double recall(const HnswGraph& graph, const TurboVectors* codes, size_t ef, double oversampling,
                bool rescore) {
    size_t hits = 0;
    for (size_t q = 0; q < queries_.rows(); ++q) {
      SearchRequest request;
      request.query = queries_.row(q);
      request.k = 10;
      request.ef = ef;
      request.turbo = codes;
      request.oversampling = oversampling;
      request.rescore = rescore;
      const auto found = graph.search(request, data_.source());
      EXPECT_EQ(found.size(), 10u);
      for (const auto& hit : found) {
        const float exact =
            score(params_.distance, queries_.row(q), data_.row(hit.offset), kSearchDim);
        EXPECT_NEAR(hit.score, exact, rescore ? 1e-5f : 0.3f);
      }
      hits += overlap(found, brute_force(data_, params_.distance, queries_.row(q), 10));
    }
    return double(hits) / double(queries_.rows() * 10);
  }

  Dataset data_;
  Dataset queries_;
  HnswParams params_;
};

TEST_P(TurboSearchTest, WalkOnCodesThenRescoreMatchesBruteForce) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const TurboVectors codes = encode(data_, GetParam());
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.9);
}

INSTANTIATE_TEST_SUITE_P(Bits, TurboSearchTest,
                         ::testing::Values(TurboBits::kBits4, TurboBits::kBits2),
                         [](const auto& info) {
                           return info.param == TurboBits::kBits4 ? "bits4" : "bits2";
                         });

TEST_F(TurboSearchTest, WithoutRescoringScoresAreEstimates) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const TurboVectors codes = encode(data_, TurboBits::kBits4);
  EXPECT_GE(recall(graph, &codes, 64, 1.0, false), 0.5);
}

TEST_F(TurboSearchTest, EuclidWalksOnCodesToo) {
  params_.distance = Distance::kEuclid;
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const TurboVectors codes = encode(data_, TurboBits::kBits4);
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.9);
}

}  // namespace
}  // namespace sextant::index
