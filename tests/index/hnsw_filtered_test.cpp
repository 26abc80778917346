// Filtered graph search: with filters keeping 1%, 10% and 50% of the points, every hit passes
// the filter and recall@10 against exact filtered search stays >= 0.95 — through a bitset, a
// predicate, or both with an `alive` bitset, and on the in-place image too.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_image.hpp"
#include "tests/index/hnsw_test_support.hpp"

namespace sextant::index {
namespace {

using testing::brute_force;
using testing::clustered;
using testing::Dataset;
using testing::iota_offsets;
using testing::overlap;

constexpr size_t kRows = 6000;
constexpr size_t kDim = 32;

struct Bitset {
  std::vector<uint64_t> words;
  size_t count = 0;
  explicit Bitset(size_t bits) : words((bits + 63) / 64, 0) {}
  void set(uint32_t i) {
    if (!test(i)) ++count;
    words[i >> 6] |= uint64_t(1) << (i & 63);
  }
  bool test(uint32_t i) const { return (words[i >> 6] >> (i & 63)) & 1; }
  OffsetBitsetView view() const { return {words.data(), words.size()}; }
};

// Filter keeping a random `fraction` of offsets: uncorrelated with the vectors, the hard case
// for graph search (matches are scattered over every cluster).
Bitset random_filter(double fraction, uint32_t seed) {
  Bitset bits(kRows);
  std::mt19937 rng(seed);
  std::bernoulli_distribution keep(fraction);
  for (uint32_t i = 0; i < kRows; ++i)
    if (keep(rng)) bits.set(i);
  return bits;
}

class FilteredSearchTest : public ::testing::TestWithParam<double> {
 protected:
  static void SetUpTestSuite() {
    data_ = new Dataset(clustered(kRows, kDim, 201));
    queries_ = new Dataset(clustered(100, kDim, 202));
    HnswParams params;
    params.dim = kDim;
    graph_ = new HnswGraph(params);
    graph_->build(iota_offsets(kRows), data_->source(), 2);
  }
  static void TearDownTestSuite() {
    delete graph_;
    delete queries_;
    delete data_;
  }

  template <typename SearchFn>
  double filtered_recall(const Bitset& filter, SearchFn search) {
    size_t hits = 0, expected = 0;
    for (size_t q = 0; q < queries_->rows(); ++q) {
      const auto truth = brute_force(*data_, Distance::kCosine, queries_->row(q), 10,
                                     [&](uint32_t o) { return filter.test(o); });
      const auto found = search(queries_->row(q));
      EXPECT_LE(found.size(), 10u);
      for (const auto& hit : found) EXPECT_TRUE(filter.test(hit.offset)) << hit.offset;
      hits += overlap(found, truth);
      expected += truth.size();
    }
    return double(hits) / double(expected);
  }

  static Dataset* data_;
  static Dataset* queries_;
  static HnswGraph* graph_;
};

Dataset* FilteredSearchTest::data_ = nullptr;
Dataset* FilteredSearchTest::queries_ = nullptr;
HnswGraph* FilteredSearchTest::graph_ = nullptr;

TEST_P(FilteredSearchTest, BitsetFilterKeepsRecall) {
  const Bitset filter = random_filter(GetParam(), 7);
  const VectorSource source = data_->source();
  const double recall = filtered_recall(filter, [&](const float* query) {
    SearchRequest request;
    request.query = query;
    request.k = 10;
    request.ef = 64;
    request.filter = filter.view();
    request.filter_cardinality = filter.count;
    return graph_->search(request, source);
  });
  EXPECT_GE(recall, 0.95) << "selectivity " << GetParam();
}

TEST_P(FilteredSearchTest, PredicateWithAliveBitsetKeepsRecall) {
  const Bitset filter = random_filter(GetParam(), 8);
  // Half of the filter's points are "alive"; the predicate says the filter.
  Bitset alive(kRows);
  for (uint32_t i = 0; i < kRows; ++i)
    if (i % 2 == 0) alive.set(i);
  Bitset both(kRows);
  for (uint32_t i = 0; i < kRows; ++i)
    if (filter.test(i) && alive.test(i)) both.set(i);
  const VectorSource source = data_->source();
  const double recall = filtered_recall(both, [&](const float* query) {
    SearchRequest request;
    request.query = query;
    request.k = 10;
    request.ef = 64;
    request.alive = alive.view();
    request.predicate = {[](const void* context, uint32_t offset) {
                           return static_cast<const Bitset*>(context)->test(offset);
                         },
                         &filter};
    request.filter_cardinality = both.count;
    return graph_->search(request, source);
  });
  EXPECT_GE(recall, 0.95) << "selectivity " << GetParam();
}

TEST_P(FilteredSearchTest, InPlaceImageFiltersLikeTheGraph) {
  const Bitset filter = random_filter(GetParam(), 9);
  const std::vector<std::byte> bytes = graph_->serialize();
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  const auto view =
      HnswImageView::open({reinterpret_cast<const std::byte*>(aligned.data()), bytes.size()});
  ASSERT_TRUE(view) << view.error().message;
  const VectorSource source = data_->source();
  const double recall = filtered_recall(filter, [&](const float* query) {
    SearchRequest request;
    request.query = query;
    request.k = 10;
    request.ef = 64;
    request.filter = filter.view();
    request.filter_cardinality = filter.count;
    return view->search(request, source);
  });
  EXPECT_GE(recall, 0.95) << "selectivity " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Selectivities, FilteredSearchTest, ::testing::Values(0.01, 0.10, 0.50));

TEST(FilteredSearchPlanning, SmallFiltersAreSearchedExactly) {
  // Qdrant's default full_scan_threshold is 10000 KiB: 384-float vectors -> 6666 points.
  EXPECT_TRUE(should_search_exactly(6000, 384 * 4, 10000));
  EXPECT_FALSE(should_search_exactly(7000, 384 * 4, 10000));
}

}  // namespace
}  // namespace sextant::index
