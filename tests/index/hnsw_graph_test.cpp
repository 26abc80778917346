// HNSW graph behaviour a collection relies on: recall against brute force for every distance and
// datatype, parallel and incremental construction, tombstones and updates, rebuild.
#include "index/hnsw/hnsw_graph.hpp"

#include <gtest/gtest.h>

#include <set>

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
constexpr size_t kQueries = 150;

HnswParams params_for(Distance distance, size_t dim) {
  HnswParams p;
  p.m = 16;
  p.ef_construct = 100;
  p.distance = distance;
  p.dim = uint32_t(dim);
  return p;
}

double recall(const HnswGraph& graph, Dataset& data, const Dataset& queries, size_t ef,
              Distance distance) {
  size_t hits = 0;
  const VectorSource source = data.source();
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = ef;
    hits += overlap(graph.search(request, source), brute_force(data, distance, queries.row(q), 10));
  }
  return double(hits) / double(queries.rows() * 10);
}

class HnswDistanceTest : public ::testing::TestWithParam<Distance> {};

TEST_P(HnswDistanceTest, RecallMatchesBruteForceAndScoresAreExact) {
  const Distance distance = GetParam();
  const bool normalised = distance == Distance::kCosine;
  Dataset data = clustered(kRows, kDim, 11, normalised);
  const Dataset queries = clustered(kQueries, kDim, 12, normalised);
  HnswGraph graph(params_for(distance, kDim));
  graph.build(iota_offsets(kRows), data.source(), 2);
  EXPECT_EQ(graph.points_count(), kRows);
  // Inner product on unnormalised vectors is not a metric (a point need not be its own nearest
  // neighbour), so graph search needs a wider beam for the same recall.
  // L1 neighbourhoods of these tight clusters are flatter, so it also gets a wider beam; the
  // parallel build is not deterministic and the threshold must hold for every interleaving.
  const size_t ef = distance == Distance::kDot ? 128 : distance == Distance::kManhattan ? 96 : 64;
  EXPECT_GE(recall(graph, data, queries, ef, distance), 0.95);

  SearchRequest request;
  request.query = queries.row(0);
  request.k = 10;
  request.ef = 64;
  const auto hits = graph.search(request, data.source());
  ASSERT_EQ(hits.size(), 10u);
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NEAR(hits[i].score, score(distance, queries.row(0), data.row(hits[i].offset), kDim),
                1e-3f * std::max(1.0f, std::abs(hits[i].score)));
    if (i > 0) {
      if (higher_is_better(distance))
        EXPECT_GE(hits[i - 1].score, hits[i].score);
      else
        EXPECT_LE(hits[i - 1].score, hits[i].score);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllDistances, HnswDistanceTest,
                         ::testing::Values(Distance::kCosine, Distance::kDot, Distance::kEuclid,
                                           Distance::kManhattan));

TEST(HnswGraph, RecallGrowsWithEf) {
  Dataset data = clustered(kRows, kDim, 21);
  const Dataset queries = clustered(kQueries, kDim, 22);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  graph.build(iota_offsets(kRows), data.source(), 2);
  const double low = recall(graph, data, queries, 10, Distance::kCosine);
  const double high = recall(graph, data, queries, 200, Distance::kCosine);
  EXPECT_GE(high, 0.98);
  EXPECT_GT(high, low);
}

TEST(HnswGraph, ParallelBuildLeavesEveryNodeReachable) {
  // Inserts on several threads race: one can reach a node through its upper levels before that
  // node's lower lists are written, and link itself to it there. Such links must survive the
  // node's own list being written, or the inserted node is left with no way in. A search with
  // a beam as wide as the graph explores everything reachable, so every node must find itself.
  constexpr size_t kSmall = 400;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    Dataset data = clustered(kSmall, kDim, 100 + seed);
    HnswParams params = params_for(Distance::kEuclid, kDim);
    params.seed = seed;
    HnswGraph graph(params);
    graph.build(iota_offsets(kSmall), data.source(), 4);
    std::vector<uint64_t> all_alive((kSmall + 63) / 64, ~uint64_t(0));
    size_t unreachable = 0;
    for (uint32_t node = 0; node < kSmall; ++node) {
      SearchRequest request;
      request.query = data.row(node);
      request.k = 1;
      request.ef = kSmall;
      request.alive = {all_alive.data(), all_alive.size()};
      const auto hits = graph.search(request, data.source());
      unreachable += hits.empty() || hits[0].score != 0.0f;
    }
    EXPECT_EQ(unreachable, 0u) << "seed " << seed;
  }
}

TEST(HnswGraph, RenumberedGraphKeepsRecallWithoutItsTombstones) {
  // Half the points deleted (an offset compaction's trigger), the live half renumbered densely:
  // the mapped and repaired graph must search as well as a graph built afresh on them.
  Dataset data = clustered(kRows, kDim, 61);
  const Dataset queries = clustered(kQueries, kDim, 62);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  graph.build(iota_offsets(kRows), data.source(), 2);
  std::vector<uint32_t> new_to_old;
  for (uint32_t offset = 0; offset < kRows; ++offset) {
    if (offset % 2 == 0 || offset % 7 == 0)
      graph.mark_deleted(offset);
    else
      new_to_old.push_back(offset);
  }
  Dataset live;
  live.dim = data.dim;
  for (uint32_t old : new_to_old)
    live.values.insert(live.values.end(), data.row(old), data.row(old) + kDim);
  std::vector<uint32_t> members = iota_offsets(new_to_old.size());
  HnswGraph renumbered = graph.renumbered(new_to_old, members, live.source(), 2);
  EXPECT_EQ(renumbered.points_count(), new_to_old.size());
  EXPECT_EQ(renumbered.deleted_count(), 0u);
  HnswGraph fresh(params_for(Distance::kCosine, kDim));
  fresh.build(members, live.source(), 2);
  const double renumbered_recall = recall(renumbered, live, queries, 64, Distance::kCosine);
  const double fresh_recall = recall(fresh, live, queries, 64, Distance::kCosine);
  EXPECT_GE(renumbered_recall, fresh_recall - 0.01) << "fresh " << fresh_recall;
  // Inserts continue on the renumbered graph.
  const uint32_t extra = static_cast<uint32_t>(members.size());
  live.values.insert(live.values.end(), data.row(0), data.row(0) + kDim);
  renumbered.insert(extra, live.source());
  SearchRequest request;
  request.query = data.row(0);
  request.k = 1;
  request.ef = 64;
  const auto hits = renumbered.search(request, live.source());
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].offset, extra);
}

TEST(HnswGraph, IncrementalInsertsKeepRecall) {
  Dataset data = clustered(kRows, kDim, 31);
  const Dataset queries = clustered(kQueries, kDim, 32);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  const VectorSource source = data.source();
  graph.build(iota_offsets(kRows / 4), source, 2);
  for (uint32_t offset = kRows / 4; offset < kRows; ++offset) graph.insert(offset, source);
  EXPECT_EQ(graph.points_count(), kRows);
  EXPECT_GE(recall(graph, data, queries, 64, Distance::kCosine), 0.95);
}

TEST(HnswGraph, DeletedPointsAreNeverReturnedAndLiveOnesStillFound) {
  Dataset data = clustered(kRows, kDim, 41);
  const Dataset queries = clustered(kQueries, kDim, 42);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  const VectorSource source = data.source();
  graph.build(iota_offsets(kRows), source, 2);
  std::set<uint32_t> deleted;
  for (uint32_t offset = 0; offset < kRows; offset += 3) {
    graph.mark_deleted(offset);
    deleted.insert(offset);
  }
  graph.mark_deleted(0);  // twice: counted once
  EXPECT_EQ(graph.deleted_count(), deleted.size());
  EXPECT_TRUE(graph.is_deleted(3));
  EXPECT_FALSE(graph.is_deleted(4));

  size_t hits = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 64;
    const auto found = graph.search(request, source);
    ASSERT_EQ(found.size(), 10u);
    for (const auto& hit : found) EXPECT_FALSE(deleted.count(hit.offset)) << hit.offset;
    hits += overlap(found, brute_force(data, Distance::kCosine, queries.row(q), 10,
                                       [&](uint32_t o) { return !deleted.count(o); }));
  }
  EXPECT_GE(double(hits) / double(queries.rows() * 10), 0.95);
}

TEST(HnswGraph, UpdateIsDeleteThenInsertUnderNewOffset) {
  Dataset data = clustered(kRows + 1, kDim, 51);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  graph.build(iota_offsets(kRows), data.source(), 2);
  // Point at offset 7 gets a new vector, stored at the next offset (kRows) as storage does.
  std::vector<float> moved(kDim, 0.0f);
  moved[5] = 1.0f;
  std::copy(moved.begin(), moved.end(), data.values.begin() + kRows * kDim);
  graph.mark_deleted(7);
  graph.insert(uint32_t(kRows), data.source());
  SearchRequest request;
  request.query = moved.data();
  request.k = 3;
  request.ef = 64;
  const auto hits = graph.search(request, data.source());
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].offset, kRows);
  EXPECT_NEAR(hits[0].score, 1.0f, 1e-5f);
  for (const auto& hit : hits) EXPECT_NE(hit.offset, 7u);
}

TEST(HnswGraph, RebuildDropsTombstonesAndKeepsRecall) {
  Dataset data = clustered(kRows, kDim, 61);
  const Dataset queries = clustered(kQueries, kDim, 62);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  const VectorSource source = data.source();
  graph.build(iota_offsets(kRows), source, 2);
  for (uint32_t offset = 1; offset < kRows; offset += 2) graph.mark_deleted(offset);
  const HnswGraph rebuilt = graph.rebuild_without_deleted(source, 2);
  EXPECT_EQ(rebuilt.points_count(), kRows / 2);
  EXPECT_EQ(rebuilt.deleted_count(), 0u);
  EXPECT_FALSE(rebuilt.contains(1));
  EXPECT_TRUE(rebuilt.contains(2));
  size_t hits = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 64;
    hits += overlap(rebuilt.search(request, source),
                    brute_force(data, Distance::kCosine, queries.row(q), 10,
                                [](uint32_t o) { return o % 2 == 0; }));
  }
  EXPECT_GE(double(hits) / double(queries.rows() * 10), 0.95);
}

TEST(HnswGraph, Float16AndUint8Datatypes) {
  Dataset data = clustered(kRows, kDim, 71);
  const Dataset queries = clustered(kQueries, kDim, 72);
  // float16 storage: same vectors rounded to half precision.
  std::vector<uint16_t> halves(data.values.size());
  for (size_t i = 0; i < halves.size(); ++i) halves[i] = float_to_half(data.values[i]);
  const void* half_chunk = halves.data();
  VectorSource half_source{&half_chunk, 31, uint32_t(kDim), VectorDatatype::kFloat16};
  HnswParams half_params = params_for(Distance::kCosine, kDim);
  half_params.datatype = VectorDatatype::kFloat16;
  HnswGraph half_graph(half_params);
  half_graph.build(iota_offsets(kRows), half_source, 2);

  // uint8 storage: components mapped to 0..255, searched with Euclid (as uint8 users do).
  std::vector<uint8_t> bytes(data.values.size());
  std::vector<float> byte_values(data.values.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = uint8_t(std::clamp(std::nearbyint(data.values[i] * 200 + 128), 0.0f, 255.0f));
    byte_values[i] = bytes[i];
  }
  const void* byte_chunk = bytes.data();
  VectorSource byte_source{&byte_chunk, 31, uint32_t(kDim), VectorDatatype::kUint8};
  HnswParams byte_params = params_for(Distance::kEuclid, kDim);
  byte_params.datatype = VectorDatatype::kUint8;
  HnswGraph byte_graph(byte_params);
  byte_graph.build(iota_offsets(kRows), byte_source, 2);
  Dataset byte_data;
  byte_data.dim = kDim;
  byte_data.values = byte_values;

  size_t half_hits = 0, byte_hits = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    SearchRequest request;
    request.query = queries.row(q);
    request.k = 10;
    request.ef = 64;
    half_hits += overlap(half_graph.search(request, half_source),
                         brute_force(data, Distance::kCosine, queries.row(q), 10));
    std::vector<float> byte_query(kDim);
    for (size_t j = 0; j < kDim; ++j)
      byte_query[j] = std::clamp(std::nearbyint(queries.row(q)[j] * 200 + 128), 0.0f, 255.0f);
    request.query = byte_query.data();
    byte_hits += overlap(byte_graph.search(request, byte_source),
                         brute_force(byte_data, Distance::kEuclid, byte_query.data(), 10));
  }
  EXPECT_GE(double(half_hits) / double(queries.rows() * 10), 0.93);
  EXPECT_GE(double(byte_hits) / double(queries.rows() * 10), 0.93);
}

TEST(HnswGraph, EmptyGraphAndSmallGraphs) {
  Dataset data = clustered(5, kDim, 81);
  HnswGraph graph(params_for(Distance::kCosine, kDim));
  SearchRequest request;
  request.query = data.row(0);
  request.k = 10;
  request.ef = 16;
  EXPECT_TRUE(graph.search(request, data.source()).empty());
  graph.build(iota_offsets(5), data.source(), 2);
  const auto hits = graph.search(request, data.source());
  ASSERT_EQ(hits.size(), 5u);  // k larger than the graph: everything, best first
  EXPECT_EQ(hits[0].offset, 0u);
}

}  // namespace
}  // namespace sextant::index
