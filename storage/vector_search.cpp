#include "storage/vector_search.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

#include "index/distance/distance.hpp"
#include "storage/point_filter.hpp"

namespace sextant::storage {
namespace {

constexpr uint32_t kOffsetsPerPart = 16384;

struct Candidate {
  float key;  // larger is better (scores negated for lower-is-better distances)
  uint32_t offset;
};
struct WorseFirst {
  bool operator()(const Candidate& a, const Candidate& b) const {
    if (a.key != b.key) return a.key > b.key;
    return a.offset < b.offset;
  }
};

float sparse_dot(const SparseVector& query, const SparseView& point) {
  // Both sides are sorted by index after validation/storage; fall back to a scan otherwise.
  float sum = 0;
  size_t i = 0, j = 0;
  while (i < query.indices.size() && j < point.indices.size()) {
    if (query.indices[i] == point.indices[j]) {
      sum += query.values[i] * point.values[j];
      ++i;
      ++j;
    } else if (query.indices[i] < point.indices[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return sum;
}

bool sparse_overlaps(const SparseVector& query, const SparseView& point) {
  size_t i = 0, j = 0;
  while (i < query.indices.size() && j < point.indices.size()) {
    if (query.indices[i] == point.indices[j]) return true;
    if (query.indices[i] < point.indices[j]) ++i; else ++j;
  }
  return false;
}

// MaxSim: for each query row, the best similarity over the point's rows, summed.
float max_sim(Distance distance, const MultiVector& query, const MultiView& point, uint32_t dim) {
  float total = 0;
  for (size_t q = 0; q < query.rows(); ++q) {
    const float* row = query.values.data() + q * dim;
    float best = -INFINITY;
    for (uint32_t r = 0; r < point.rows; ++r) {
      float s = index::score(distance, row, point.values + size_t(r) * dim, dim);
      if (!index::higher_is_better(distance)) s = -s;
      best = std::max(best, s);
    }
    total += best;
  }
  return total;
}

}  // namespace

bool better_score(Distance distance, float a, float b) {
  return index::higher_is_better(distance) ? a > b : a < b;
}

bool passes_threshold(Distance distance, float score, float threshold) {
  // Qdrant keeps only results strictly better than the threshold.
  return index::higher_is_better(distance) ? score > threshold : score < threshold;
}

Status validate_search(const CollectionSchema& schema, const SearchRequest& request) {
  const std::string& name = request.vector_name;
  if (std::holds_alternative<SparseVector>(request.vector)) {
    if (!schema.find_sparse(name))
      return Error::bad_input("Not existing vector name error: " + name);
    return {};
  }
  const DenseVectorSpec* spec = schema.find_dense(name);
  if (!spec) {
    if (name.empty() && !schema.dense.empty())
      return Error::bad_input("Not existing vector name error: ");
    return Error::bad_input("Not existing vector name error: " + name);
  }
  size_t got = 0;
  if (auto* dense = std::get_if<std::vector<float>>(&request.vector)) {
    if (spec->multivector) {
      if (dense->size() != spec->dim)
        return Error::bad_input("Vector dimension error: expected dim: " + std::to_string(spec->dim) +
                                ", got " + std::to_string(dense->size()));
      return {};
    }
    got = dense->size();
  } else if (auto* multi = std::get_if<MultiVector>(&request.vector)) {
    if (!spec->multivector)
      return Error::bad_input("Wrong vector type: expected dense vector, got multi-vector");
    got = multi->dim;
  }
  if (got != spec->dim)
    return Error::bad_input("Vector dimension error: expected dim: " + std::to_string(spec->dim) +
                            ", got " + std::to_string(got));
  return {};
}

std::vector<ScoredOffset> exact_search(const ReadView& view, const SearchRequest& request,
                                       ParallelPool& pool) {
  const CollectionSchema& schema = view.schema();
  const ViewState& state = view.state();
  const size_t keep = request.limit + request.offset;
  if (keep == 0 || state.alive_count == 0) return {};

  const bool is_sparse = std::holds_alternative<SparseVector>(request.vector);
  int vector_index = is_sparse ? schema.sparse_index(request.vector_name)
                               : schema.dense_index(request.vector_name);
  if (vector_index < 0) return {};
  const DenseVectorSpec* spec = is_sparse ? nullptr : &schema.dense[vector_index];
  const Distance distance = spec ? spec->distance : Distance::kDot;
  const bool negate = !index::higher_is_better(distance);

  // Prepare the query once: cosine queries are normalised; a single dense vector against a
  // multivector field is a one-row multivector; sparse queries are sorted by index.
  std::vector<float> dense_query;
  MultiVector multi_query;
  SparseVector sparse_query;
  if (is_sparse) {
    sparse_query = std::get<SparseVector>(request.vector);
    std::vector<size_t> order(sparse_query.indices.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return sparse_query.indices[a] < sparse_query.indices[b]; });
    SparseVector sorted;
    for (size_t i : order) {
      sorted.indices.push_back(sparse_query.indices[i]);
      sorted.values.push_back(sparse_query.values[i]);
    }
    sparse_query = std::move(sorted);
  } else if (spec->multivector) {
    if (auto* multi = std::get_if<MultiVector>(&request.vector)) {
      multi_query = *multi;
    } else {
      multi_query.dim = spec->dim;
      multi_query.values = std::get<std::vector<float>>(request.vector);
    }
    if (distance == Distance::kCosine)
      for (size_t r = 0; r < multi_query.rows(); ++r)
        index::normalize(multi_query.values.data() + r * spec->dim, spec->dim);
  } else {
    dense_query = std::get<std::vector<float>>(request.vector);
    if (distance == Distance::kCosine) index::normalize(dense_query.data(), dense_query.size());
  }

  const uint32_t limit = state.offset_limit;
  const size_t parts = (limit + kOffsetsPerPart - 1) / kOffsetsPerPart;
  std::vector<std::vector<Candidate>> part_results(parts);
  const Bitset* present = is_sparse ? state.sparse_present[vector_index].get()
                                    : state.dense[vector_index].present.get();
  if (!present) return {};

  pool.parallel_for(parts, [&](size_t part) {
    PointReader reader = view.reader();
    std::priority_queue<Candidate, std::vector<Candidate>, WorseFirst> heap;
    const uint32_t begin = uint32_t(part * kOffsetsPerPart);
    const uint32_t end = std::min<uint32_t>(limit, begin + kOffsetsPerPart);
    for (uint32_t offset = begin; offset < end; ++offset) {
      if (!present->test(offset) || !state.alive->test(offset)) continue;
      float score;
      if (is_sparse) {
        auto point = reader.sparse(vector_index, offset);
        if (!point || !sparse_overlaps(sparse_query, *point)) continue;
        score = sparse_dot(sparse_query, *point);
      } else if (spec->multivector) {
        auto point = reader.multi(vector_index, offset);
        if (!point) continue;
        score = max_sim(distance, multi_query, *point, spec->dim);
        if (negate) score = -score;  // max_sim already ranks higher as better
      } else {
        const float* v = reader.dense(vector_index, offset);
        if (!v) continue;
        score = index::score(distance, dense_query.data(), v, spec->dim);
      }
      if (request.score_threshold && !passes_threshold(distance, score, *request.score_threshold))
        continue;
      if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
      Candidate c{negate ? -score : score, offset};
      if (heap.size() < keep) {
        heap.push(c);
      } else if (WorseFirst()(c, heap.top())) {
        heap.pop();
        heap.push(c);
      }
    }
    auto& out = part_results[part];
    out.reserve(heap.size());
    while (!heap.empty()) {
      out.push_back(heap.top());
      heap.pop();
    }
  });

  std::vector<Candidate> merged;
  for (auto& part : part_results) merged.insert(merged.end(), part.begin(), part.end());
  std::sort(merged.begin(), merged.end(), WorseFirst());
  std::vector<ScoredOffset> results;
  for (size_t i = request.offset; i < merged.size() && i < keep; ++i)
    results.push_back({merged[i].offset, negate ? -merged[i].key : merged[i].key});
  return results;
}

std::vector<ScoredOffset> exact_search_by(const ReadView& view, size_t dense_index,
                                          const index::filter::Filter* filter, size_t limit,
                                          size_t offset, std::optional<float> score_threshold,
                                          const DenseScorer& scorer,
                                          const std::vector<uint32_t>& excluded, ParallelPool& pool) {
  const ViewState& state = view.state();
  const size_t keep = limit + offset;
  const Bitset* present = state.dense[dense_index].present.get();
  if (keep == 0 || !present) return {};
  const uint32_t offset_limit = state.offset_limit;
  const size_t parts = (offset_limit + kOffsetsPerPart - 1) / kOffsetsPerPart;
  std::vector<std::vector<Candidate>> part_results(parts);
  pool.parallel_for(parts, [&](size_t part) {
    PointReader reader = view.reader();
    std::priority_queue<Candidate, std::vector<Candidate>, WorseFirst> heap;
    const uint32_t begin = uint32_t(part * kOffsetsPerPart);
    const uint32_t end = std::min<uint32_t>(offset_limit, begin + kOffsetsPerPart);
    for (uint32_t o = begin; o < end; ++o) {
      if (!present->test(o) || !state.alive->test(o)) continue;
      if (std::find(excluded.begin(), excluded.end(), o) != excluded.end()) continue;
      const float* v = reader.dense(dense_index, o);
      if (!v) continue;
      const float score = scorer(v);
      if (score_threshold && score <= *score_threshold) continue;
      if (filter && !point_matches(*filter, reader, o)) continue;
      Candidate c{score, o};
      if (heap.size() < keep) {
        heap.push(c);
      } else if (WorseFirst()(c, heap.top())) {
        heap.pop();
        heap.push(c);
      }
    }
    while (!heap.empty()) {
      part_results[part].push_back(heap.top());
      heap.pop();
    }
  });
  std::vector<Candidate> merged;
  for (auto& part : part_results) merged.insert(merged.end(), part.begin(), part.end());
  std::sort(merged.begin(), merged.end(), WorseFirst());
  std::vector<ScoredOffset> results;
  for (size_t i = offset; i < merged.size() && i < keep; ++i)
    results.push_back({merged[i].offset, merged[i].key});
  return results;
}

}  // namespace sextant::storage
