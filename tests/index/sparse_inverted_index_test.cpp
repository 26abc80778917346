// The sparse inverted index against a brute-force oracle: scores are dot products over shared
// dimensions, points without overlap or scoring exactly 0 are never hits, runs appended publish by
// publish (and merged) give the same answers as one run, tombstones and filters go through
// `accept`, and the document counts behind IDF follow it too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "index/sparse/inverted_index.hpp"

namespace sextant::index::sparse {
namespace {

using Vectors = std::map<uint32_t, SortedSparse>;  // offset -> vector

SortedSparse random_vector(std::mt19937& rng, uint32_t dimensions, size_t max_count) {
  std::uniform_int_distribution<size_t> count(0, max_count);
  std::uniform_int_distribution<uint32_t> dim(0, dimensions - 1);
  std::uniform_real_distribution<float> weight(0.05f, 2.0f);
  std::map<uint32_t, float> entries;
  for (size_t n = count(rng), i = 0; i < n; ++i) entries[dim(rng)] = weight(rng);
  SortedSparse v;
  for (auto [d, w] : entries) {
    v.indices.push_back(d);
    v.values.push_back(w);
  }
  return v;
}

std::vector<SparseHit> brute_force(const Vectors& vectors, const SortedSparse& query, size_t limit,
                                   const InvertedIndex::Accept& accept) {
  std::vector<SparseHit> hits;
  for (const auto& [offset, v] : vectors) {
    if (!accept(offset)) continue;
    float score = 0;
    bool overlap = false;
    for (size_t i = 0; i < query.indices.size(); ++i)
      for (size_t j = 0; j < v.indices.size(); ++j)
        if (query.indices[i] == v.indices[j]) {
          overlap = true;
          score += query.values[i] * v.values[j];
        }
    if (overlap) hits.push_back({offset, score});
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const SparseHit& a, const SparseHit& b) { return a.score > b.score; });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

void expect_same(const std::vector<SparseHit>& got, const std::vector<SparseHit>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].score, expected[i].score,
                1e-4f * std::max(1.0f, std::fabs(expected[i].score)));
  }
}

// Builds an index publish by publish, `batch` vectors at a time.
std::shared_ptr<const InvertedIndex> build(const Vectors& vectors, size_t batch) {
  std::shared_ptr<const InvertedIndex> index;
  PendingVectors pending;
  size_t in_batch = 0;
  for (const auto& [offset, v] : vectors) {
    pending.add(offset, v.indices.data(), v.values.data(), v.indices.size());
    if (++in_batch == batch) {
      index = InvertedIndex::appended(index, pending);
      pending.clear();
      in_batch = 0;
    }
  }
  return InvertedIndex::appended(index, pending);
}

Vectors random_vectors(size_t count, uint32_t dimensions, uint32_t seed) {
  std::mt19937 rng(seed);
  Vectors vectors;
  uint32_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    offset += 1 + rng() % 3;  // offsets grow with gaps, as after updates
    vectors[offset] = random_vector(rng, dimensions, 12);
  }
  return vectors;
}

TEST(SparseInvertedIndex, SearchMatchesBruteForceForEveryBatching) {
  const Vectors vectors = random_vectors(3000, 200, 1);
  std::mt19937 rng(2);
  auto all = [](uint32_t) { return true; };
  for (size_t batch : {1u, 7u, 100u, 5000u}) {
    auto index = build(vectors, batch);
    for (int q = 0; q < 20; ++q) {
      SortedSparse query = random_vector(rng, 200, 8);
      expect_same(index->search(query, 10, all), brute_force(vectors, query, 10, all));
    }
  }
}

TEST(SparseInvertedIndex, RunCountStaysLogarithmic) {
  const Vectors vectors = random_vectors(4096, 50, 3);
  auto index = build(vectors, 1);
  EXPECT_LE(index->run_count(), 14u);
  size_t postings = 0;
  for (const auto& [offset, v] : vectors) postings += v.indices.size();
  EXPECT_EQ(index->posting_count(), postings);
}

TEST(SparseInvertedIndex, PointsWithoutOverlapAreNotHits) {
  Vectors vectors;
  vectors[0] = {{1, 2}, {1.0f, 1.0f}};
  vectors[1] = {{3}, {5.0f}};
  vectors[2] = {{2, 3}, {-1.0f, 0.5f}};
  auto index = build(vectors, 2);
  auto hits = index->search({{2}, {1.0f}}, 10, [](uint32_t) { return true; });
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].offset, 0u);
  EXPECT_EQ(hits[1].offset, 2u);
  EXPECT_FLOAT_EQ(hits[1].score, -1.0f);  // negative scores are hits too
}

TEST(SparseInvertedIndex, ZeroScoresAreNotHits) {
  Vectors vectors;
  vectors[0] = {{1, 7}, {0.0f, 3.0f}};   // overlaps on 1 with weight 0
  vectors[1] = {{1, 2}, {2.0f, 1.0f}};   // scores 2
  vectors[2] = {{1, 4}, {1.0f, -1.0f}};  // 1 - 1 = 0 over two shared dimensions
  auto index = build(vectors, 2);
  auto hits = index->search({{1, 4}, {1.0f, 1.0f}}, 10, [](uint32_t) { return true; });
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].offset, 1u);
  EXPECT_FLOAT_EQ(hits[0].score, 2.0f);
}

TEST(SparseInvertedIndex, AcceptAndThresholdFilterHits) {
  const Vectors vectors = random_vectors(1000, 40, 4);
  auto index = build(vectors, 64);
  auto even = [](uint32_t offset) { return offset % 2 == 0; };
  SortedSparse query{{1, 5, 9}, {1.0f, 0.5f, 2.0f}};
  expect_same(index->search(query, 15, even), brute_force(vectors, query, 15, even));
  const float threshold = 1.5f;
  for (const auto& hit : index->search(query, 1000, even, &threshold))
    EXPECT_GT(hit.score, threshold);
}

TEST(SparseInvertedIndex, DocumentCountsFollowAccept) {
  Vectors vectors;
  vectors[0] = {{1, 2}, {1.0f, 1.0f}};
  vectors[1] = {{}, {}};  // empty: not a document
  vectors[2] = {{2}, {1.0f}};
  vectors[3] = {{2, 7}, {1.0f, 1.0f}};
  auto index = build(vectors, 3);
  auto all = [](uint32_t) { return true; };
  auto not_three = [](uint32_t offset) { return offset != 3; };
  EXPECT_EQ(index->document_count(all), 3u);
  EXPECT_EQ(index->document_frequency(2, all), 3u);
  EXPECT_EQ(index->document_count(not_three), 2u);
  EXPECT_EQ(index->document_frequency(2, not_three), 2u);
  EXPECT_EQ(index->document_frequency(99, all), 0u);
}

TEST(SparseInvertedIndex, IdfIsQdrantsFormula) {
  EXPECT_FLOAT_EQ(idf(10, 2), std::log((10.0f - 2.0f + 0.5f) / (2.0f + 0.5f) + 1.0f));
  EXPECT_GT(idf(0, 0), 0.0f);  // no documents: still finite and positive
}

TEST(SparseInvertedIndex, AppendedSharesTheOldIndexUnchanged) {
  Vectors first;
  first[0] = {{1}, {1.0f}};
  auto old_index = build(first, 10);
  PendingVectors more;
  const uint32_t dims[] = {1};
  const float weights[] = {3.0f};
  more.add(5, dims, weights, 1);
  auto new_index = InvertedIndex::appended(old_index, more);
  auto all = [](uint32_t) { return true; };
  EXPECT_EQ(old_index->search({{1}, {1.0f}}, 10, all).size(), 1u);
  auto hits = new_index->search({{1}, {1.0f}}, 10, all);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].offset, 5u);
}

}  // namespace
}  // namespace sextant::index::sparse
