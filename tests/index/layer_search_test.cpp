// The level walk (index/hnsw/layer_search.hpp) against a textbook beam search written here with
// std::priority_queue and no prefetching: on a fixed random graph both must visit the same nodes
// and return the same ids with the same distances, for every ef, for float32 vectors and int8
// codes. Also the VisitedSet's epochs (a new search forgets the previous one, including across
// the epoch counter's wrap-around).
#include "index/hnsw/layer_search.hpp"

#include <gtest/gtest.h>

#include <queue>
#include <random>
#include <vector>

#include "index/hnsw/visited_set.hpp"
#include "tests/index/hnsw_test_support.hpp"

namespace sextant::index {
namespace {

// A Layers accessor over fixed random adjacency lists, level 0 only: [count, neighbour...].
struct FixedLayers {
  uint32_t nodes = 0;
  uint32_t stride = 0;
  std::vector<uint32_t> rows;

  static FixedLayers random(uint32_t nodes, uint32_t max_links, uint32_t seed) {
    FixedLayers layers;
    layers.nodes = nodes;
    layers.stride = 1 + max_links;
    layers.rows.assign(size_t(nodes) * layers.stride, 0);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<uint32_t> pick(0, nodes - 1);
    std::uniform_int_distribution<uint32_t> how_many(1, max_links);
    for (uint32_t node = 0; node < nodes; ++node) {
      uint32_t* row = layers.rows.data() + size_t(node) * layers.stride;
      const uint32_t count = how_many(rng);
      row[0] = count;
      for (uint32_t i = 0; i < count; ++i) {
        uint32_t neighbour = pick(rng);
        if (neighbour == node) neighbour = (neighbour + 1) % nodes;
        row[1 + i] = neighbour;
      }
    }
    return layers;
  }
  uint32_t capacity() const { return nodes; }
  const uint32_t* links(uint32_t node, int) const { return rows.data() + size_t(node) * stride; }
};

// Best-first search on one level as the HNSW paper states it.
template <typename Dist, typename Source>
std::vector<Candidate> reference_search(const FixedLayers& layers, const Dist& distance,
                                        const typename Dist::Query* query, const Source& source,
                                        uint32_t entry, size_t ef) {
  using T = typename Dist::Element;
  std::priority_queue<Candidate, std::vector<Candidate>, CloserFirst> frontier;
  std::priority_queue<Candidate, std::vector<Candidate>, FartherFirst> results;
  std::vector<bool> visited(layers.nodes, false);
  visited[entry] = true;
  const float d0 = distance(query, vector_of<T>(source, entry));
  frontier.push({d0, entry});
  results.push({d0, entry});
  while (!frontier.empty()) {
    const Candidate closest = frontier.top();
    if (results.size() >= ef && closest.distance > results.top().distance) break;
    frontier.pop();
    const uint32_t* list = layers.links(closest.node, 0);
    for (uint32_t i = 0; i < list[0]; ++i) {
      const uint32_t neighbour = list[1 + i];
      if (visited[neighbour]) continue;
      visited[neighbour] = true;
      const float d = distance(query, vector_of<T>(source, neighbour));
      if (results.size() >= ef && d >= results.top().distance) continue;
      frontier.push({d, neighbour});
      results.push({d, neighbour});
      if (results.size() > ef) results.pop();
    }
  }
  std::vector<Candidate> out;
  for (; !results.empty(); results.pop()) out.push_back(results.top());
  return out;
}

void sort_by_distance(std::vector<Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.node < b.node;
  });
}

template <typename Dist, typename Source>
void expect_same_as_reference(const FixedLayers& layers, const Dist& distance,
                              const std::vector<typename Dist::Query>& queries, size_t dim,
                              const Source& source) {
  VisitedSet visited;
  SearchScratch scratch;
  std::vector<Candidate> results;
  auto accept_all = [](uint32_t) { return true; };
  for (const size_t ef : {1, 4, 10, 32, 100, 300}) {
    for (size_t q = 0; q * dim < queries.size(); ++q) {
      const auto* query = queries.data() + q * dim;
      const uint32_t entry = uint32_t(q * 7919 % layers.nodes);
      search_layer<false>(layers, distance, query, source, entry, 0, ef, ef, accept_all, visited,
                          scratch, results);
      std::vector<Candidate> expected =
          reference_search(layers, distance, query, source, entry, ef);
      sort_by_distance(results);
      sort_by_distance(expected);
      ASSERT_EQ(results.size(), expected.size()) << "ef " << ef << " query " << q;
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(results[i].node, expected[i].node) << "ef " << ef << " query " << q;
        EXPECT_EQ(results[i].distance, expected[i].distance) << "ef " << ef << " query " << q;
      }
    }
  }
}

TEST(LayerSearchTest, FloatWalkReturnsTheReferenceBeamSearchResults) {
  constexpr size_t kDim = 384;  // the benchmark's dimension: whole kernel passes, no tail
  testing::Dataset data = testing::clustered(3000, kDim, 21);
  const testing::Dataset queries = testing::clustered(20, kDim, 22);
  const FixedLayers layers = FixedLayers::random(3000, 32, 23);
  const ResolvedSource source(data.source());
  const auto distance = GraphDistance<float>::make(Distance::kCosine, kDim);
  expect_same_as_reference(layers, distance, queries.values, kDim, source);
}

TEST(LayerSearchTest, FloatWalkWithATailDimensionReturnsTheReferenceResults) {
  constexpr size_t kDim = 37;
  testing::Dataset data = testing::clustered(2000, kDim, 31, false);
  const testing::Dataset queries = testing::clustered(20, kDim, 32, false);
  const FixedLayers layers = FixedLayers::random(2000, 24, 33);
  const ResolvedSource source(data.source());
  const auto distance = GraphDistance<float>::make(Distance::kEuclid, kDim);
  expect_same_as_reference(layers, distance, queries.values, kDim, source);
}

// int8 codes in one contiguous array, the Source shape of a code store.
struct CodeSource {
  const int8_t* codes;
  size_t dim;
  size_t vector_bytes() const { return dim; }
  const void* vector_data(uint32_t node) const { return codes + size_t(node) * dim; }
};

TEST(LayerSearchTest, Int8WalkReturnsTheReferenceBeamSearchResults) {
  constexpr size_t kDim = 384;
  constexpr uint32_t kNodes = 3000;
  std::mt19937 rng(41);
  std::uniform_int_distribution<int> component(-127, 127);
  std::vector<int8_t> codes(kNodes * kDim), queries(20 * kDim);
  for (auto& c : codes) c = int8_t(component(rng));
  for (auto& c : queries) c = int8_t(component(rng));
  const FixedLayers layers = FixedLayers::random(kNodes, 32, 43);
  const CodeSource source{codes.data(), kDim};
  const auto distance = GraphDistance<int8_t>::make(Distance::kDot, kDim, 1.0f);
  expect_same_as_reference(layers, distance, queries, kDim, source);
}

TEST(VisitedSetTest, NewSearchForgetsThePreviousOne) {
  VisitedSet visited;
  visited.begin(100);
  EXPECT_FALSE(visited.test_and_set(5));
  EXPECT_TRUE(visited.test_and_set(5));
  EXPECT_TRUE(visited.test(5));
  EXPECT_FALSE(visited.test(6));
  visited.begin(200);  // grows, and forgets
  EXPECT_FALSE(visited.test(5));
  EXPECT_FALSE(visited.test_and_set(150));
  EXPECT_TRUE(visited.test(150));
}

TEST(VisitedSetTest, EpochWrapAroundDoesNotReportStaleVisits) {
  VisitedSet visited;
  visited.begin(10);
  visited.test_and_set(3);
  // Every epoch value comes round again; a node marked once must read as unvisited in each
  // later search until it is marked again.
  for (int search = 0; search < 70000; ++search) {
    visited.begin(10);
    ASSERT_FALSE(visited.test(3)) << "search " << search;
    if (search == 65534) visited.test_and_set(4);
    if (search == 65535) {
      ASSERT_FALSE(visited.test(4));
    }
  }
}

}  // namespace
}  // namespace sextant::index
