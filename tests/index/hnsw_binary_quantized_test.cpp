// Binary quantization: each encoding lays its bits out as documented, Hamming distance on codes
// tracks the angle between vectors, and a graph walked on bit codes then rescored on float32
// finds what brute force finds, with exact scores. Codes that do not cover the graph are not used.
#include <gtest/gtest.h>

#include <cmath>

#include "index/hnsw/graph_distance.hpp"
#include "index/hnsw/hnsw_graph.hpp"
#include "index/quantization/binary_quantizer.hpp"
#include "index/quantization/binary_query.hpp"
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
constexpr size_t kDim = 128;
// Sign bits separate clusters well but rank the members of one cluster poorly, so the set has
// many small clusters (about 20 points each): a query's neighbours are its cluster's members,
// as with real embeddings whose near neighbours are few and close.
constexpr size_t kClusters = 200;

// Draws rows + query_count points around the same centres and moves the last query_count to
// `queries`.
Dataset clustered_with_queries(size_t query_count, uint32_t seed, Dataset& queries) {
  Dataset data = clustered(kRows + query_count, kDim, seed, true, kClusters);
  queries.dim = kDim;
  queries.values.assign(data.values.end() - std::ptrdiff_t(query_count * kDim), data.values.end());
  data.values.resize(kRows * kDim);
  return data;
}

BinaryVectors encode(BinaryEncoding encoding, Dataset& data) {
  const auto offsets = iota_offsets(data.rows());
  BinaryVectors codes(BinaryQuantizer::train(encoding, data.source(), offsets));
  codes.encode_all(offsets, data.source(), 2);
  return codes;
}

TEST(BinaryQuantizer, OneBitKeepsSignsInWholeWords) {
  std::vector<float> vector(70, -1.0f);
  vector[0] = 0.5f;
  vector[3] = 2.0f;
  vector[64] = 1e-6f;
  vector[69] = 0.0f;  // zero is not positive
  const BinaryQuantizer quantizer(BinaryEncoding::kOneBit, 70);
  EXPECT_EQ(quantizer.bits_per_vector(), 70u);
  ASSERT_EQ(quantizer.words_per_vector(), 2u);
  uint64_t code[2] = {~uint64_t(0), ~uint64_t(0)};
  quantizer.encode(vector.data(), code);
  EXPECT_EQ(code[0], 0b1001u);
  EXPECT_EQ(code[1], 1u);  // padding bits stay zero
}

TEST(BinaryQuantizer, TwoBitsIsAThermometerOfThreeLevels) {
  // Mean 0, deviation 1: -2 is low (00), 0 middle (10), 2 high (11); first bits, then second.
  const BinaryQuantizer quantizer(BinaryEncoding::kTwoBits, 3, {0, 0, 0}, {1, 1, 1});
  EXPECT_EQ(quantizer.bits_per_vector(), 6u);
  const float vector[3] = {-2.0f, 0.0f, 2.0f};
  uint64_t code = 0;
  quantizer.encode(vector, &code);
  EXPECT_EQ(code, 0b100110u);
  // Hamming distance counts level steps: low vs high is two, low vs middle one.
  const float low[3] = {-2.0f, -2.0f, -2.0f};
  uint64_t low_code = 0;
  quantizer.encode(low, &low_code);
  EXPECT_EQ(kernels().hamming_u64(&code, &low_code, 1), 3u);
}

TEST(BinaryQuantizer, OneAndHalfBitsSharesSecondBitsByPairs) {
  const BinaryQuantizer quantizer(BinaryEncoding::kOneAndHalfBits, 5, {0, 0, 0, 0, 0},
                                  {1, 1, 1, 1, 1});
  EXPECT_EQ(quantizer.bits_per_vector(), 8u);  // 5 + ceil(5 / 2)
  const float vector[5] = {2.0f, 0.0f, 0.0f, -2.0f, 2.0f};
  uint64_t code = 0;
  quantizer.encode(vector, &code);
  // First bits 1,1,1,0,1; pair (0,1) has a high -> bit 5; pair (2,3) none; pair (4) -> bit 7.
  EXPECT_EQ(code, 0b10110111u);
}

TEST(BinaryQuantizer, TrainingLearnsMeansAndDeviations) {
  Dataset data = clustered(1000, 16, 401, false);
  const auto offsets = iota_offsets(1000);
  const auto quantizer = BinaryQuantizer::train(BinaryEncoding::kTwoBits, data.source(), offsets);
  ASSERT_EQ(quantizer.means().size(), 16u);
  double mean0 = 0;
  for (size_t i = 0; i < 1000; ++i) mean0 += data.row(i)[0];
  EXPECT_NEAR(quantizer.means()[0], mean0 / 1000, 1e-4);
  EXPECT_GT(quantizer.deviations()[0], 0.0f);
  EXPECT_TRUE(
      BinaryQuantizer::train(BinaryEncoding::kOneBit, data.source(), offsets).means().empty());
}

TEST(BinaryQuantizer, HammingDistanceTracksTheAngle) {
  Dataset data = clustered(400, kDim, 411);
  const BinaryVectors codes = encode(BinaryEncoding::kOneBit, data);
  const auto estimate = GraphDistance<uint64_t>::make(Distance::kCosine, 2, kDim);
  double worst = 0;
  for (uint32_t i = 1; i < 400; ++i) {
    const float hamming = estimate(static_cast<const uint64_t*>(codes.vector_data(0)),
                                   static_cast<const uint64_t*>(codes.vector_data(i)));
    worst = std::max<double>(
        worst, std::fabs(estimate.to_score(hamming) - dot(data.row(0), data.row(i), kDim)));
  }
  EXPECT_LT(worst, 0.35);  // 128 random hyperplanes: a coarse but unbiased estimate
}

TEST(BinaryQuery, PlanesGiveTheDotOfTheQuantizedQueryWithTheSigns) {
  Dataset data = clustered(50, 70, 441);  // 70 components: a partial second word
  const BinaryVectors codes = encode(BinaryEncoding::kOneBit, data);
  std::vector<uint64_t> planes;
  for (uint32_t bits : {4u, 8u}) {
    const auto estimate = BinaryAsymmetricDistance::encode(Distance::kCosine, data.row(0), 70,
                                                           codes.words_per_vector(), bits, planes);
    ASSERT_EQ(planes.size(), (bits + 1) * codes.words_per_vector());
    for (uint32_t i = 1; i < 50; ++i) {
      const auto* code = static_cast<const uint64_t*>(codes.vector_data(i));
      double expected = 0, exact = 0;
      for (size_t j = 0; j < 70; ++j) {
        const float level = std::nearbyint((data.row(0)[j] - estimate.low) / estimate.step);
        const float sign = data.row(i)[j] > 0 ? 1.0f : -1.0f;
        expected += (estimate.low + estimate.step * level) * sign;
        exact += data.row(0)[j] * sign;
      }
      EXPECT_NEAR(estimate.dot_estimate(planes.data(), code), expected, 1e-3) << bits;
      EXPECT_NEAR(estimate.dot_estimate(planes.data(), code), exact, bits == 8 ? 0.05 : 0.5);
    }
  }
}

TEST(BinaryQuery, ScalarQueryRanksBetterThanBinaryQuery) {
  // 40 clusters of 100: the neighbours are members of one cluster, which sign strings alone
  // rank poorly; a query with 8 bits per component ranks them much better.
  HnswParams params;
  params.dim = kDim;
  params.distance = Distance::kCosine;
  Dataset data = clustered(kRows + 50, kDim, 451);
  Dataset queries;
  queries.dim = kDim;
  queries.values.assign(data.values.end() - std::ptrdiff_t(50 * kDim), data.values.end());
  data.values.resize(kRows * kDim);
  HnswGraph graph(params);
  graph.build(iota_offsets(kRows), data.source(), 1);
  BinaryVectors codes = encode(BinaryEncoding::kOneBit, data);
  auto recall = [&](uint32_t query_bits) {
    codes.set_query_bits(query_bits);
    size_t hits = 0;
    for (size_t q = 0; q < queries.rows(); ++q) {
      SearchRequest request;
      request.query = queries.row(q);
      request.k = 10;
      request.ef = 64;
      request.oversampling = 3.0;
      request.binary = &codes;
      hits += overlap(graph.search(request, data.source()),
                      brute_force(data, Distance::kCosine, queries.row(q), 10));
    }
    return double(hits) / 500.0;
  };
  const double binary_query = recall(0);
  const double scalar8_query = recall(8);
  EXPECT_GT(scalar8_query, binary_query + 0.05);
  EXPECT_GT(recall(4), binary_query);
  codes.set_query_bits(8);
  BinaryVectors two_bits = encode(BinaryEncoding::kTwoBits, data);
  two_bits.set_query_bits(8);  // not a one_bit code: ignored
  EXPECT_EQ(two_bits.query_bits(), 0u);
}

class BinarySearchTest : public ::testing::TestWithParam<BinaryEncoding> {
 protected:
  void SetUp() override {
    data_ = clustered_with_queries(100, 421, queries_);
    params_.dim = kDim;
    params_.distance = Distance::kCosine;
  }

  double recall(const HnswGraph& graph, const BinaryVectors* codes, size_t ef, double oversampling,
                bool rescore) {
    size_t hits = 0;
    const VectorSource source = data_.source();
    for (size_t q = 0; q < queries_.rows(); ++q) {
      SearchRequest request;
      request.query = queries_.row(q);
      request.k = 10;
      request.ef = ef;
      request.binary = codes;
      request.oversampling = oversampling;
      request.rescore = rescore;
      const auto found = graph.search(request, source);
      EXPECT_EQ(found.size(), 10u);
      for (const auto& hit : found) {
        const float exact = score(params_.distance, queries_.row(q), data_.row(hit.offset), kDim);
        if (rescore)
          EXPECT_NEAR(hit.score, exact, 1e-5f);
        else
          EXPECT_NEAR(hit.score, exact, 0.5f);  // an angle estimate from the bits
      }
      hits += overlap(found, brute_force(data_, params_.distance, queries_.row(q), 10));
    }
    return double(hits) / double(queries_.rows() * 10);
  }

  Dataset data_;
  Dataset queries_;
  HnswParams params_;
};

TEST_P(BinarySearchTest, WalkOnBitsThenRescoreMatchesBruteForce) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const BinaryVectors codes = encode(GetParam(), data_);
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.9);
  EXPECT_GE(recall(graph, &codes, 64, 1.0, false), 0.3);  // estimated scores, no rescoring
}

TEST_P(BinarySearchTest, OversamplingRescoresMoreCandidates) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const BinaryVectors codes = encode(GetParam(), data_);
  const double narrow = recall(graph, &codes, 10, 1.0, true);
  const double wide = recall(graph, &codes, 10, 6.0, true);
  EXPECT_GT(wide, narrow);
  EXPECT_GE(wide, 0.9);
}

TEST_P(BinarySearchTest, WalkOnBitsHonoursFilters) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 1);
  const BinaryVectors codes = encode(GetParam(), data_);
  std::vector<uint64_t> even((kRows + 63) / 64, 0x5555555555555555ull);
  const VectorSource source = data_.source();
  size_t hits = 0;
  for (size_t q = 0; q < 20; ++q) {
    SearchRequest request;
    request.query = queries_.row(q);
    request.k = 10;
    request.ef = 64;
    request.binary = &codes;
    request.oversampling = 3.0;
    request.filter = {even.data(), even.size()};
    request.filter_cardinality = kRows / 2;
    const auto found = graph.search(request, source);
    for (const auto& hit : found) EXPECT_EQ(hit.offset % 2, 0u);
    hits += overlap(found, brute_force(data_, params_.distance, queries_.row(q), 10,
                                       [](uint32_t offset) { return offset % 2 == 0; }));
  }
  EXPECT_GE(double(hits) / 200.0, 0.85);
}

INSTANTIATE_TEST_SUITE_P(Encodings, BinarySearchTest,
                         ::testing::Values(BinaryEncoding::kOneBit, BinaryEncoding::kTwoBits,
                                           BinaryEncoding::kOneAndHalfBits),
                         [](const auto& info) {
                           switch (info.param) {
                             case BinaryEncoding::kOneBit:
                               return std::string("OneBit");
                             case BinaryEncoding::kTwoBits:
                               return std::string("TwoBits");
                             default:
                               return std::string("OneAndHalfBits");
                           }
                         });

TEST(BinarySearch, EuclidWalksOnBitsAndUncoveredCodesAreIgnored) {
  HnswParams params;
  params.dim = kDim;
  params.distance = Distance::kEuclid;
  Dataset queries;
  Dataset data = clustered_with_queries(50, 431, queries);
  HnswGraph graph(params);
  graph.build(iota_offsets(kRows), data.source(), 1);
  const BinaryVectors codes = encode(BinaryEncoding::kOneBit, data);
  BinaryVectors partial(BinaryQuantizer(BinaryEncoding::kOneBit, kDim));
  partial.reserve(kRows / 2);  // does not cover the graph: search must walk on floats
  size_t with_codes = 0, with_partial = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    const auto truth = brute_force(data, Distance::kEuclid, queries.row(q), 10);
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 64;
    request.oversampling = 3.0;
    request.binary = &codes;
    const auto found = graph.search(request, data.source());
    for (const auto& hit : found)
      EXPECT_NEAR(hit.score, score(Distance::kEuclid, queries.row(q), data.row(hit.offset), kDim),
                  1e-4f);
    with_codes += overlap(found, truth);
    request.binary = &partial;
    with_partial += overlap(graph.search(request, data.source()), truth);
  }
  EXPECT_GE(double(with_codes) / 500.0, 0.9);
  EXPECT_GE(double(with_partial) / 500.0, 0.95);
}

}  // namespace
}  // namespace sextant::index
