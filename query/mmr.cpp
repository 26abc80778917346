// MMR re-ranking: raw similarities of the candidates' vectors, then the greedy selection.
// The pairwise similarities are computed lazily: each round only scores the remaining
// candidates against the point picked last, keeping each candidate's running maximum.
#include "query/mmr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "index/distance/distance.hpp"

namespace sextant::query {
using storage::ScoredOffset;

float raw_similarity(index::Distance distance, const float* a, const float* b, size_t dim) {
  switch (distance) {
    case index::Distance::kCosine:
    case index::Distance::kDot:
      return index::dot(a, b, dim);
    case index::Distance::kEuclid:
      return -index::l2_squared(a, b, dim);
    case index::Distance::kManhattan:
      return -index::l1(a, b, dim);
  }
  return 0;
}

std::vector<size_t> select_mmr(const std::vector<float>& relevance,
                               const std::function<float(size_t, size_t)>& similarity, float lambda,
                               size_t limit) {
  const size_t count = relevance.size();
  std::vector<size_t> picked;
  if (count == 0 || limit == 0) return picked;
  std::vector<bool> taken(count, false);
  std::vector<float> max_similarity(count, -std::numeric_limits<float>::infinity());
  size_t best = 0;
  for (size_t i = 1; i < count; ++i)
    if (relevance[i] > relevance[best]) best = i;
  picked.push_back(best);
  taken[best] = true;
  while (picked.size() < limit && picked.size() < count) {
    const size_t last = picked.back();
    std::optional<size_t> next;
    float next_score = 0;
    for (size_t i = 0; i < count; ++i) {
      if (taken[i]) continue;
      max_similarity[i] = std::max(max_similarity[i], similarity(i, last));
      const float score = lambda * relevance[i] - (1.0f - lambda) * max_similarity[i];
      if (!next || score > next_score) {
        next = i;
        next_score = score;
      }
    }
    picked.push_back(*next);
    taken[*next] = true;
  }
  return picked;
}

namespace {

// One candidate's vector in the form its similarity needs.
struct CandidateVector {
  const float* dense = nullptr;                    // dense: `dim` floats, in `stored`
  storage::StoredRows stored;                      // owns decoded float16/uint8 values
  std::vector<std::pair<uint32_t, float>> sparse;  // sparse: sorted by index
  uint32_t rows = 0;                               // multi: rows x dim at `dense`
};

float sparse_dot(const std::vector<std::pair<uint32_t, float>>& a,
                 const std::vector<std::pair<uint32_t, float>>& b) {
  float sum = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first < b[j].first)
      ++i;
    else if (a[i].first > b[j].first)
      ++j;
    else
      sum += a[i++].second * b[j++].second;
  }
  return sum;
}

std::vector<std::pair<uint32_t, float>> sorted_sparse(const uint32_t* indices, const float* values,
                                                      size_t n) {
  std::vector<std::pair<uint32_t, float>> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.emplace_back(indices[i], values[i]);
  std::sort(out.begin(), out.end());
  return out;
}

// max_sim: for each row of `query`, the best raw similarity to a row of `other`, summed.
float max_sim(index::Distance distance, const float* query, uint32_t query_rows, const float* other,
              uint32_t other_rows, size_t dim) {
  float sum = 0;
  for (uint32_t q = 0; q < query_rows; ++q) {
    float best = -std::numeric_limits<float>::infinity();
    for (uint32_t r = 0; r < other_rows; ++r)
      best = std::max(best, raw_similarity(distance, query + q * dim, other + r * dim, dim));
    sum += best;
  }
  return sum;
}

}  // namespace

Result<std::vector<ScoredOffset>> rerank_with_mmr(const storage::ReadView& view,
                                                  const std::string& vector_name,
                                                  const storage::QueryVector& query,
                                                  float diversity,
                                                  const std::vector<ScoredOffset>& candidates,
                                                  size_t limit) {
  const auto& schema = view.schema();
  auto reader = view.reader();
  const bool sparse = std::holds_alternative<storage::SparseVector>(query);
  const int index = sparse ? schema.sparse_index(vector_name) : schema.dense_index(vector_name);
  if (index < 0) return Error::vector_name_not_found(vector_name);
  const storage::DenseVectorSpec* spec = sparse ? nullptr : &schema.dense[size_t(index)];
  const index::Distance distance = spec ? spec->distance : index::Distance::kDot;
  const size_t dim = spec ? spec->dim : 0;

  std::vector<ScoredOffset> kept;
  std::vector<CandidateVector> vectors;
  for (const auto& candidate : candidates) {
    CandidateVector v;
    if (sparse) {
      auto point = reader.sparse(size_t(index), candidate.offset);
      if (!point) continue;
      v.sparse = sorted_sparse(point->indices.data(), point->values.data(), point->indices.size());
    } else if (spec->multivector) {
      auto point = reader.multi(size_t(index), candidate.offset);
      if (!point || point->rows == 0) continue;
      v.stored = std::move(*point);
      v.dense = v.stored.values;
      v.rows = v.stored.rows;
    } else {
      auto point = reader.dense(size_t(index), candidate.offset);
      if (!point) continue;
      v.stored = std::move(*point);
      v.dense = v.stored.values;
    }
    kept.push_back(candidate);
    vectors.push_back(std::move(v));
  }
  if (kept.size() < 2) return kept;  // nothing to diversify: original order and scores

  // The query, prepared as stored vectors are (unit length for Cosine).
  std::vector<float> query_dense;
  uint32_t query_rows = 1;
  std::vector<std::pair<uint32_t, float>> query_sparse;
  if (const auto* d = std::get_if<std::vector<float>>(&query)) {
    query_dense = *d;
  } else if (const auto* m = std::get_if<storage::MultiVector>(&query)) {
    query_dense = m->values;
    query_rows = static_cast<uint32_t>(m->rows());
  } else {
    const auto& s = std::get<storage::SparseVector>(query);
    query_sparse = sorted_sparse(s.indices.data(), s.values.data(), s.indices.size());
  }
  if (distance == index::Distance::kCosine && !sparse)
    for (uint32_t r = 0; r < query_rows; ++r) index::normalize(query_dense.data() + r * dim, dim);

  std::vector<float> relevance(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    const CandidateVector& v = vectors[i];
    if (sparse)
      relevance[i] = sparse_dot(query_sparse, v.sparse);
    else if (spec->multivector)
      relevance[i] = max_sim(distance, query_dense.data(), query_rows, v.dense, v.rows, dim);
    else
      relevance[i] = raw_similarity(distance, query_dense.data(), v.dense, dim);
  }
  auto similarity = [&](size_t i, size_t j) -> float {
    const CandidateVector& a = vectors[i];
    const CandidateVector& b = vectors[j];
    if (sparse) return sparse_dot(a.sparse, b.sparse);
    if (spec->multivector) return max_sim(distance, a.dense, a.rows, b.dense, b.rows, dim);
    return raw_similarity(distance, a.dense, b.dense, dim);
  };
  const float lambda = 1.0f - diversity;
  std::vector<ScoredOffset> out;
  for (size_t i : select_mmr(relevance, similarity, lambda, limit)) out.push_back(kept[i]);
  return out;
}

}  // namespace sextant::query
