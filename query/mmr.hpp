// Maximal Marginal Relevance re-ranking of a nearest query (`{"nearest": v, "mmr": {...}}`), with
// Qdrant's semantics: the nearest `candidates_limit` points are taken first, then points are
// picked greedily, the first by relevance alone, each next one maximising
//   lambda * sim(query, p) - (1 - lambda) * max over picked q of sim(p, q)
// with lambda = 1 - diversity.
// Similarities are the vector's raw scores as Qdrant's scorers compute them (dot product for
// Cosine on normalised vectors and for Dot, minus the squared L2 distance for Euclid, minus the
// L1 distance for Manhattan; max_sim for multivectors; dot product for sparse vectors).
// Returned points keep their original score (the similarity to the query as search reports it),
// in MMR selection order. Candidates without the vector are dropped.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/distance/distance.hpp"
#include "storage/read_view.hpp"
#include "storage/vector_search.hpp"

namespace sextant::query {

struct MmrParams {
  float diversity = 0.5f;
  std::optional<size_t> candidates_limit;  // nullopt: the query's `limit`
};

// Qdrant's raw similarity of two dense vectors (higher is more similar): dot product for Cosine
// (unit vectors) and Dot, minus the squared L2 distance for Euclid, minus L1 for Manhattan.
float raw_similarity(index::Distance distance, const float* a, const float* b, size_t dim);

// The greedy selection: indices into `relevance`, at most `limit`, in pick order.
// `similarity(i, j)` is the similarity of candidates i and j (symmetric).
std::vector<size_t> select_mmr(const std::vector<float>& relevance,
                               const std::function<float(size_t, size_t)>& similarity, float lambda,
                               size_t limit);

// Re-ranks `candidates` (nearest results for `query` on `vector_name`) and keeps `limit`.
Result<std::vector<storage::ScoredOffset>> rerank_with_mmr(
    const storage::ReadView& view, const std::string& vector_name,
    const storage::QueryVector& query, float diversity,
    const std::vector<storage::ScoredOffset>& candidates, size_t limit);

}  // namespace sextant::query
