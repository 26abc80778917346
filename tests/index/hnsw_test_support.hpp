// Shared fixtures for the HNSW tests: clustered random vectors (like embeddings: many near
// neighbours, not uniform noise), a contiguous VectorSource over them, brute-force ground truth
// and recall@k.
#pragma once

#include <algorithm>
#include <random>
#include <vector>

#include "index/distance/distance.hpp"
#include "index/hnsw/search_request.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index::testing {

struct Dataset {
  size_t dim = 0;
  std::vector<float> values;  // rows x dim
  const float* chunk = nullptr;

  size_t rows() const { return values.size() / dim; }
  const float* row(size_t i) const { return values.data() + i * dim; }
  VectorSource source() {
    chunk = values.data();
    return VectorSource::from_float_chunks(&chunk, 31, uint32_t(dim));
  }
};

inline Dataset clustered(size_t rows, size_t dim, uint32_t seed, bool normalised = true,
                         size_t clusters = 40) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0, 1);
  std::vector<float> centres(clusters * dim);
  for (auto& c : centres) c = gauss(rng);
  Dataset d;
  d.dim = dim;
  d.values.resize(rows * dim);
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  for (size_t i = 0; i < rows; ++i) {
    const size_t c = pick(rng);
    for (size_t j = 0; j < dim; ++j)
      d.values[i * dim + j] = centres[c * dim + j] + 0.6f * gauss(rng);
    if (normalised) normalize(d.values.data() + i * dim, dim);
  }
  return d;
}

// Exact top-k among offsets accepted by `accept`, best first, Qdrant scores.
template <typename Accept>
std::vector<ScoredOffset> brute_force(const Dataset& data, Distance distance, const float* query,
                                      size_t k, Accept accept) {
  std::vector<ScoredOffset> all;
  for (uint32_t i = 0; i < data.rows(); ++i)
    if (accept(i)) all.push_back({i, score(distance, query, data.row(i), data.dim)});
  const bool higher = higher_is_better(distance);
  std::sort(all.begin(), all.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return higher ? a.score > b.score : a.score < b.score;
  });
  if (all.size() > k) all.resize(k);
  return all;
}

inline std::vector<ScoredOffset> brute_force(const Dataset& data, Distance distance,
                                             const float* query, size_t k) {
  return brute_force(data, distance, query, k, [](uint32_t) { return true; });
}

inline size_t overlap(const std::vector<ScoredOffset>& found,
                      const std::vector<ScoredOffset>& truth) {
  size_t hits = 0;
  for (const auto& f : found)
    for (const auto& t : truth)
      if (f.offset == t.offset) {
        ++hits;
        break;
      }
  return hits;
}

inline std::vector<uint32_t> iota_offsets(size_t n, uint32_t first = 0) {
  std::vector<uint32_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = first + uint32_t(i);
  return out;
}

}  // namespace sextant::index::testing
