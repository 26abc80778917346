#include "storage/vector_search.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <type_traits>

#include "index/distance/distance.hpp"
#include "index/distance/metric_similarity.hpp"
#include "storage/point_filter.hpp"
#include "storage/sparse_search.hpp"
#include "storage/vector_elements.hpp"

namespace sextant::storage {
namespace {

using index::Distance;

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
    if (query.indices[i] < point.indices[j])
      ++i;
    else
      ++j;
  }
  return false;
}

// Top-`keep` of one part of a scan; keys are "larger is better".
class PartTopK {
 public:
  explicit PartTopK(size_t keep) : keep_(keep) {}
  // True when a candidate with this key could still enter (a cheap test before costlier checks).
  bool admits(float key) const { return heap_.size() < keep_ || key > heap_.top().key; }
  void push(Candidate c) {
    if (heap_.size() < keep_) {
      heap_.push(c);
    } else if (WorseFirst()(c, heap_.top())) {
      heap_.pop();
      heap_.push(c);
    }
  }
  void drain_into(std::vector<Candidate>& out) {
    out.reserve(out.size() + heap_.size());
    while (!heap_.empty()) {
      out.push_back(heap_.top());
      heap_.pop();
    }
  }

 private:
  size_t keep_;
  std::priority_queue<Candidate, std::vector<Candidate>, WorseFirst> heap_;
};

// The dispatched kernels of one stored element type (float, uint16_t = binary16, uint8_t).
template <typename T>
struct TypedKernels {
  float (*dot)(const T*, const T*, size_t);
  float (*l2_squared)(const T*, const T*, size_t);
  float (*l1)(const T*, const T*, size_t);
};
template <typename T>
TypedKernels<T> typed_kernels(const index::KernelTable& k) {
  if constexpr (std::is_same_v<T, float>)
    return {k.dot_f32, k.l2_squared_f32, k.l1_f32};
  else if constexpr (std::is_same_v<T, uint16_t>)
    return {k.dot_f16, k.l2_squared_f16, k.l1_f16};
  else
    return {k.dot_u8, k.l2_squared_u8, k.l1_u8};
}

// The hot loop of exact search over a plain dense vector stored as T: walks the words of
// present & alive, reads each vector from the view's chunk table in place and scores it with the
// dispatched kernel of T against the query encoded as T (exact: the query holds the datatype's
// values already). Keys rank larger-is-better (negated squared/L1 distance for Euclid/Manhattan;
// for uint8 Cosine the cosine of the unnormalised integers, as Qdrant); the Qdrant score is
// derived only for candidates that could enter the top.
template <typename T>
void scan_dense_part(const ReadView& view, size_t vector_index, const T* query, Distance distance,
                     uint32_t begin, uint32_t end, const SearchRequest& request, PartTopK& top) {
  const ViewState& state = view.state();
  const DenseColumn& column = state.dense[vector_index];
  const auto& present = column.present->words();
  const auto& alive = state.alive->words();
  const TypedKernels<T> kernels = typed_kernels<T>(index::kernels());
  const uint32_t dim = column.dim;
  const uint32_t slot_mask = column.per_chunk - 1;
  const bool unnormalised_cosine =
      distance == Distance::kCosine && column.datatype == index::VectorDatatype::kUint8;
  const float query_norm_squared = unnormalised_cosine ? kernels.dot(query, query, dim) : 0.0f;
  PointReader reader = view.reader();
  auto key_of = [&](const T* v) {
    switch (distance) {
      case Distance::kCosine:
        if (unnormalised_cosine) {
          const float norms = query_norm_squared * kernels.dot(v, v, dim);
          return norms == 0.0f ? 0.0f : kernels.dot(query, v, dim) / std::sqrt(norms);
        }
        return kernels.dot(query, v, dim);
      case Distance::kDot:
        return kernels.dot(query, v, dim);
      case Distance::kEuclid:
        return -kernels.l2_squared(query, v, dim);
      case Distance::kManhattan:
        return -kernels.l1(query, v, dim);
    }
    return 0.0f;
  };
  auto score_of = [&](float key) {
    switch (distance) {
      case Distance::kEuclid:
        return std::sqrt(-key);
      case Distance::kManhattan:
        return -key;
      default:
        return key;
    }
  };
  const size_t vector_bytes = column.vector_bytes();
  const size_t first_word = begin >> 6;
  const size_t last_word =
      std::min<size_t>((size_t(end) + 63) >> 6, std::min(present.size(), alive.size()));
  for (size_t w = first_word; w < last_word; ++w) {
    uint64_t bits = present[w] & alive[w];
    while (bits) {
      const uint32_t offset = uint32_t(w * 64 + std::countr_zero(bits));
      bits &= bits - 1;
      if (offset < begin || offset >= end) continue;
      const uint32_t chunk = offset >> column.per_chunk_shift;
      const void* in_chunk =
          (column.chunks && chunk < column.chunks->size()) ? (*column.chunks)[chunk] : nullptr;
      const void* v = in_chunk ? static_cast<const uint8_t*>(in_chunk) +
                                     size_t(offset & slot_mask) * vector_bytes
                               : reader.dense_data(vector_index, offset);
      if (!v) continue;
      const float key = key_of(static_cast<const T*>(v));
      if (!top.admits(key)) continue;
      if (request.score_threshold &&
          !passes_threshold(distance, score_of(key), *request.score_threshold))
        continue;
      if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
      top.push({key, offset});
    }
  }
}

// scan_dense_part for the column's datatype, the (already converted) query encoded to match.
void scan_dense_part_any(const ReadView& view, size_t vector_index, const std::vector<float>& query,
                         Distance distance, uint32_t begin, uint32_t end,
                         const SearchRequest& request, PartTopK& top) {
  const index::VectorDatatype datatype = view.state().dense[vector_index].datatype;
  if (datatype == index::VectorDatatype::kFloat32) {
    scan_dense_part(view, vector_index, query.data(), distance, begin, end, request, top);
    return;
  }
  thread_local std::vector<uint8_t> encoded;
  encoded.resize(stored_vector_bytes(uint32_t(query.size()), datatype));
  encode_elements(datatype, query.data(), query.size(), encoded.data());
  if (datatype == index::VectorDatatype::kFloat16)
    scan_dense_part(view, vector_index, reinterpret_cast<const uint16_t*>(encoded.data()), distance,
                    begin, end, request, top);
  else
    scan_dense_part(view, vector_index, encoded.data(), distance, begin, end, request, top);
}

}  // namespace

// Qdrant's answer to a dense vector given for a sparse vector name, or the reverse.
static Error sparse_dense_mismatch() {
  return Error::bad_input("Conversion between sparse and regular vectors failed");
}

// Qdrant refuses `params.idf` for a vector it cannot apply to.
static Error idf_param_refused(const std::string& vector_name) {
  return Error::bad_input(
      "Validation failed: search param `idf` requires a sparse vector with the `idf` modifier, "
      "which vector \"" +
      vector_name + "\" is not");
}

bool better_score(Distance distance, float a, float b) {
  return index::higher_is_better(distance) ? a > b : a < b;
}

bool passes_threshold(Distance distance, float score, float threshold) {
  // Qdrant keeps only results strictly better than the threshold.
  return index::higher_is_better(distance) ? score > threshold : score < threshold;
}

void prepare_query_rows(const DenseVectorSpec& spec, std::vector<float>& values) {
  if (index::normalised_on_write(spec.distance, spec.datatype))
    for (size_t r = 0; spec.dim > 0 && (r + 1) * spec.dim <= values.size(); ++r)
      index::normalize(values.data() + r * spec.dim, spec.dim);
  index::convert_to_datatype(spec.datatype, values.data(), values.size());
}

Status validate_search(const CollectionSchema& schema, const SearchRequest& request) {
  const std::string& name = request.vector_name;
  if (std::holds_alternative<SparseVector>(request.vector)) {
    const SparseVectorSpec* sparse = schema.find_sparse(name);
    if (!sparse && schema.find_dense(name)) return sparse_dense_mismatch();
    if (!sparse) return Error::vector_name_not_found(name);
    if (request.params.idf && !sparse->idf_modifier) return idf_param_refused(name);
    return {};
  }
  const DenseVectorSpec* spec = schema.find_dense(name);
  if (!spec) {
    if (schema.find_sparse(name)) return sparse_dense_mismatch();
    if (name.empty() && !schema.dense.empty()) return Error::vector_name_not_found("");
    return Error::vector_name_not_found(name);
  }
  if (request.params.idf) return idf_param_refused(name);
  size_t got = 0;
  if (auto* dense = std::get_if<std::vector<float>>(&request.vector)) {
    if (spec->multivector) {
      if (dense->size() != spec->dim) return Error::vector_dimension(spec->dim, dense->size());
      return {};
    }
    got = dense->size();
  } else if (auto* multi = std::get_if<MultiVector>(&request.vector)) {
    if (!spec->multivector)
      return Error::bad_input("Wrong vector type: expected dense vector, got multi-vector");
    got = multi->dim;
  }
  if (got != spec->dim) return Error::vector_dimension(spec->dim, got);
  return {};
}

std::vector<ScoredOffset> exact_search(const ReadView& view, const SearchRequest& request,
                                       ParallelPool& pool) {
  const CollectionSchema& schema = view.schema();
  const ViewState& state = view.state();
  const size_t keep = request.limit + request.offset;
  if (keep == 0 || state.alive_count == 0) return {};

  const bool is_sparse = std::holds_alternative<SparseVector>(request.vector);
  if (is_sparse) return sparse_scan_search(view, request);  // storage/sparse_search.cpp
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
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sparse_query.indices[a] < sparse_query.indices[b];
    });
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
    prepare_query_rows(*spec, multi_query.values);
  } else {
    dense_query = std::get<std::vector<float>>(request.vector);
    prepare_query_rows(*spec, dense_query);
  }

  const uint32_t limit = state.offset_limit;
  const size_t parts = (limit + kOffsetsPerPart - 1) / kOffsetsPerPart;
  std::vector<std::vector<Candidate>> part_results(parts);
  const Bitset* present = is_sparse ? state.sparse_present[vector_index].get()
                                    : state.dense[vector_index].present.get();
  if (!present) return {};

  const bool plain_dense = !is_sparse && !spec->multivector;
  pool.parallel_for(parts, [&](size_t part) {
    PartTopK top(keep);
    const uint32_t begin = uint32_t(part * kOffsetsPerPart);
    const uint32_t end = std::min<uint32_t>(limit, begin + kOffsetsPerPart);
    if (plain_dense) {
      scan_dense_part_any(view, vector_index, dense_query, distance, begin, end, request, top);
      top.drain_into(part_results[part]);
      return;
    }
    PointReader reader = view.reader();
    for (uint32_t offset = begin; offset < end; ++offset) {
      if (!present->test(offset) || !state.alive->test(offset)) continue;
      float score;
      if (is_sparse) {
        auto point = reader.sparse(vector_index, offset);
        if (!point || !sparse_overlaps(sparse_query, *point)) continue;
        score = sparse_dot(sparse_query, *point);
      } else {
        // Ranked by Qdrant's raw similarity (larger is better), reported postprocessed.
        float similarity;
        if (spec->multivector) {
          auto point = reader.multi(vector_index, offset);
          if (!point) continue;
          similarity = index::max_sim(distance, spec->datatype, multi_query.values.data(),
                                      multi_query.rows(), point->values, point->rows, spec->dim);
        } else {
          auto point = reader.dense(vector_index, offset);
          if (!point) continue;
          similarity = index::metric_similarity(distance, spec->datatype, dense_query.data(),
                                                point->values, spec->dim);
        }
        if (!top.admits(similarity)) continue;
        score = index::postprocess_score(distance, similarity);
        if (request.score_threshold && !passes_threshold(distance, score, *request.score_threshold))
          continue;
        if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
        top.push({similarity, offset});
        continue;
      }
      if (request.score_threshold && !passes_threshold(distance, score, *request.score_threshold))
        continue;
      if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
      top.push({score, offset});
    }
    top.drain_into(part_results[part]);
  });

  std::vector<Candidate> merged;
  for (auto& part : part_results) merged.insert(merged.end(), part.begin(), part.end());
  std::sort(merged.begin(), merged.end(), WorseFirst());
  std::vector<ScoredOffset> results;
  for (size_t i = request.offset; i < merged.size() && i < keep; ++i) {
    float score = merged[i].key;
    if (plain_dense) {
      score = negate ? -score : score;
      // The dense scan ranks Euclid by squared distance; Qdrant reports the distance itself.
      if (distance == Distance::kEuclid) score = std::sqrt(score);
    } else if (!is_sparse) {
      score = index::postprocess_score(distance, score);
    }
    results.push_back({merged[i].offset, score});
  }
  return results;
}

std::vector<ScoredOffset> exact_search_by(const ReadView& view, size_t dense_index,
                                          const index::filter::Filter* filter, size_t limit,
                                          size_t offset, std::optional<float> score_threshold,
                                          const DenseScorer& scorer,
                                          const std::vector<uint32_t>& excluded,
                                          ParallelPool& pool) {
  const ViewState& state = view.state();
  const size_t keep = limit + offset;
  const bool multivector = view.schema().dense[dense_index].multivector;
  const Bitset* present = state.dense[dense_index].present.get();
  if (keep == 0 || !present) return {};
  const uint32_t offset_limit = state.offset_limit;
  const size_t parts = (offset_limit + kOffsetsPerPart - 1) / kOffsetsPerPart;
  std::vector<std::vector<Candidate>> part_results(parts);
  pool.parallel_for(parts, [&](size_t part) {
    PointReader reader = view.reader();
    PartTopK top(keep);
    const uint32_t begin = uint32_t(part * kOffsetsPerPart);
    const uint32_t end = std::min<uint32_t>(offset_limit, begin + kOffsetsPerPart);
    for (uint32_t o = begin; o < end; ++o) {
      if (!present->test(o) || !state.alive->test(o)) continue;
      if (std::find(excluded.begin(), excluded.end(), o) != excluded.end()) continue;
      float score;
      if (multivector) {
        auto rows = reader.multi(dense_index, o);
        if (!rows) continue;
        score = scorer(rows->values, rows->rows);
      } else {
        auto v = reader.dense(dense_index, o);
        if (!v) continue;
        score = scorer(v->values, 1);
      }
      if (score_threshold && score <= *score_threshold) continue;
      if (filter && !point_matches(*filter, reader, o)) continue;
      top.push({score, o});
    }
    top.drain_into(part_results[part]);
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
