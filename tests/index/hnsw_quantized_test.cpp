// Scalar (int8) quantization: codes preserve distances, a graph walk on codes followed by
// rescoring finds what brute force finds with exact scores, oversampling widens the rescored
// set, and graphs built on codes are as good. Distances codes cannot serve fall back to floats.
#include <gtest/gtest.h>

#include <cmath>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/quantization/scalar_quantizer.hpp"
#include "tests/index/hnsw_test_support.hpp"

namespace sextant::index {
namespace {

using testing::brute_force;
using testing::clustered;
using testing::Dataset;
using testing::iota_offsets;
using testing::overlap;

constexpr size_t kRows = 4000;
constexpr size_t kDim = 32;

QuantizedVectors quantize(Dataset& data) {
  const auto offsets = iota_offsets(data.rows());
  QuantizedVectors codes(ScalarQuantizer::train(data.source(), offsets, 0.999f), uint32_t(kDim));
  codes.encode_all(offsets, data.source(), 2);
  return codes;
}

TEST(ScalarQuantizer, ScaleCoversTheQuantileAndEncodingClamps) {
  Dataset data = clustered(1000, kDim, 301);
  const auto offsets = iota_offsets(1000);
  const ScalarQuantizer full = ScalarQuantizer::train(data.source(), offsets, 1.0f);
  float max_abs = 0;
  for (float v : data.values) max_abs = std::max(max_abs, std::fabs(v));
  EXPECT_NEAR(full.scale(), 127.0f / max_abs, 1e-3f);
  const ScalarQuantizer clipped = ScalarQuantizer::train(data.source(), offsets, 0.9f);
  EXPECT_GT(clipped.scale(), full.scale());  // a lower quantile clips, so it scales more

  const float values[4] = {10.0f, -10.0f, 0.0f, 0.5f};
  int8_t code[4];
  ScalarQuantizer(127.0f).encode(values, 4, code);
  EXPECT_EQ(code[0], 127);
  EXPECT_EQ(code[1], -127);
  EXPECT_EQ(code[2], 0);
  EXPECT_EQ(code[3], 64);  // 63.5 rounds to even
}

TEST(ScalarQuantizer, CodeDotApproximatesFloatDot) {
  Dataset data = clustered(200, kDim, 311);
  QuantizedVectors codes = quantize(data);
  const float unit = 1.0f / (codes.quantizer().scale() * codes.quantizer().scale());
  for (uint32_t i = 1; i < 200; ++i) {
    const auto* a = static_cast<const int8_t*>(codes.vector_data(0));
    const auto* b = static_cast<const int8_t*>(codes.vector_data(i));
    const float approx = float(kernels().dot_i8(a, b, kDim)) * unit;
    EXPECT_NEAR(approx, dot(data.row(0), data.row(i), kDim), 0.02f) << i;
  }
}

class QuantizedSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = clustered(kRows, kDim, 321);
    queries_ = clustered(100, kDim, 322);
    params_.dim = kDim;
    params_.distance = Distance::kCosine;
  }

  double recall(const HnswGraph& graph, const QuantizedVectors* codes, size_t ef,
                double oversampling, bool rescore) {
    size_t hits = 0;
    const VectorSource source = data_.source();
    for (size_t q = 0; q < queries_.rows(); ++q) {
      SearchRequest request;
      request.query = queries_.row(q);
      request.k = 10;
      request.ef = ef;
      request.quantized = codes;
      request.oversampling = oversampling;
      request.rescore = rescore;
      const auto found = graph.search(request, source);
      for (const auto& hit : found) {
        const float exact = score(params_.distance, queries_.row(q), data_.row(hit.offset), kDim);
        if (rescore)
          EXPECT_NEAR(hit.score, exact, 1e-5f);
        else
          EXPECT_NEAR(hit.score, exact, 0.06f);  // 32 dims: a clipped component shows
      }
      hits += overlap(found, brute_force(data_, params_.distance, queries_.row(q), 10));
    }
    return double(hits) / double(queries_.rows() * 10);
  }

  Dataset data_;
  Dataset queries_;
  HnswParams params_;
};

TEST_F(QuantizedSearchTest, WalkOnCodesThenRescoreMatchesBruteForce) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 2);
  const QuantizedVectors codes = quantize(data_);
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.95);
  EXPECT_GE(recall(graph, &codes, 64, 1.0, false), 0.85);  // approximate scores, no rescoring
}

TEST_F(QuantizedSearchTest, OversamplingRescoresMoreCandidates) {
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 2);
  const QuantizedVectors codes = quantize(data_);
  const double narrow = recall(graph, &codes, 10, 1.0, true);
  const double wide = recall(graph, &codes, 10, 6.0, true);
  EXPECT_GT(wide, narrow);
  EXPECT_GE(wide, 0.95);
}

TEST_F(QuantizedSearchTest, GraphBuiltOnCodesKeepsRecall) {
  const QuantizedVectors codes = quantize(data_);
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 2, &codes);
  EXPECT_GE(recall(graph, nullptr, 64, 1.0, true), 0.95);
  EXPECT_GE(recall(graph, &codes, 64, 3.0, true), 0.95);
}

TEST_F(QuantizedSearchTest, ManhattanAndUncoveredOffsetsFallBackToFloats) {
  params_.distance = Distance::kManhattan;
  Dataset raw = clustered(kRows, kDim, 331, false);
  data_ = raw;
  const QuantizedVectors codes = quantize(data_);
  HnswGraph graph(params_);
  graph.build(iota_offsets(kRows), data_.source(), 2, &codes);  // codes ignored for L1
  const double float_walk = recall(graph, nullptr, 64, 1.0, true);
  EXPECT_GE(float_walk, 0.95);
  EXPECT_EQ(recall(graph, &codes, 64, 1.0, true), float_walk);

  params_.distance = Distance::kCosine;
  data_ = clustered(kRows, kDim, 332);
  HnswGraph cosine(params_);
  cosine.build(iota_offsets(kRows), data_.source(), 1);  // one thread: a reproducible graph
  QuantizedVectors partial(ScalarQuantizer(100.0f), uint32_t(kDim));
  partial.reserve(kRows / 2);  // does not cover the graph: search must not use it
  EXPECT_GE(recall(cosine, &partial, 64, 1.0, true), 0.95);
}

}  // namespace
}  // namespace sextant::index
