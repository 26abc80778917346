// Sorting, dot-product scoring and IDF weighting of sparse vectors (see sparse_vectors.hpp).
#include "storage/sparse_vectors.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>

#include "storage/point_filter.hpp"

namespace sextant::storage {

bool is_sorted_by_index(const SparseVector& v) {
  return std::is_sorted(v.indices.begin(), v.indices.end());
}

SparseVector sorted_by_index(const SparseVector& v) {
  if (is_sorted_by_index(v)) return v;
  std::vector<size_t> order(v.indices.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return v.indices[a] < v.indices[b]; });
  SparseVector sorted;
  sorted.indices.reserve(order.size());
  sorted.values.reserve(order.size());
  for (size_t i : order) {
    sorted.indices.push_back(v.indices[i]);
    sorted.values.push_back(v.values[i]);
  }
  return sorted;
}

std::optional<float> sparse_dot(const uint32_t* a_indices, const float* a_values, size_t a_count,
                                const uint32_t* b_indices, const float* b_values, size_t b_count) {
  float sum = 0;
  bool overlap = false;
  size_t i = 0, j = 0;
  while (i < a_count && j < b_count) {
    if (a_indices[i] < b_indices[j]) {
      ++i;
    } else if (a_indices[i] > b_indices[j]) {
      ++j;
    } else {
      overlap = true;
      sum += a_values[i] * b_values[j];
      ++i;
      ++j;
    }
  }
  if (!overlap) return std::nullopt;
  return sum;
}

std::optional<float> sparse_dot(const SparseVector& query, const SparseView& point) {
  return sparse_dot(query.indices.data(), query.values.data(), query.indices.size(),
                    point.indices.data(), point.values.data(), point.indices.size());
}

void add_stored_sparse(index::sparse::PendingVectors& pending, uint32_t offset,
                       std::span<const uint8_t> stored) {
  uint32_t count = 0;
  if (stored.size() < 4) return;
  std::memcpy(&count, stored.data(), 4);
  if (stored.size() != 4 + size_t(count) * 8) return;
  SparseVector v;
  v.indices.resize(count);
  v.values.resize(count);
  std::memcpy(v.indices.data(), stored.data() + 4, size_t(count) * 4);
  std::memcpy(v.values.data(), stored.data() + 4 + size_t(count) * 4, size_t(count) * 4);
  const SparseVector sorted = sorted_by_index(v);
  pending.add(offset, sorted.indices.data(), sorted.values.data(), count);
}

std::vector<SparseVector> apply_idf(const ReadView& view, size_t sparse_index,
                                    const std::vector<SparseVector>& vectors,
                                    const index::filter::Filter* corpus) {
  std::vector<SparseVector> out;
  out.reserve(vectors.size());
  for (const auto& v : vectors) out.push_back(sorted_by_index(v));
  const auto& schema = view.schema();
  const auto& state = view.state();
  if (sparse_index >= schema.sparse.size() || !schema.sparse[sparse_index].idf_modifier) return out;
  const auto& inverted = sparse_index < state.sparse_index.size()
                             ? state.sparse_index[sparse_index]
                             : std::shared_ptr<const index::sparse::InvertedIndex>();
  const Bitset* present = state.sparse_present[sparse_index].get();
  const Bitset* alive = state.alive.get();
  const Bitset* retained = sparse_index < state.sparse_idf_retained.size()
                               ? state.sparse_idf_retained[sparse_index].get()
                               : nullptr;
  size_t documents = 0;
  std::map<uint32_t, size_t> frequencies;
  for (const auto& v : out)
    for (uint32_t dim : v.indices) frequencies.emplace(dim, 0);
  if (corpus) {
    // A corpus counts the live points matching it that carry the vector, empty ones included
    // (Qdrant's corpus statistics read the vector storage, not the index); the filter is
    // evaluated once per such point, not per posting.
    Bitset in_corpus;
    if (present) {
      PointReader reader = view.reader();
      alive->for_each(state.offset_limit, [&](uint32_t offset) {
        if (present->test(offset) && point_matches(*corpus, reader, offset)) {
          in_corpus.set(offset);
          ++documents;
        }
      });
    }
    auto accept = [&](uint32_t offset) { return in_corpus.test(offset); };
    if (inverted)
      for (auto& [dim, df] : frequencies) df = inverted->document_frequency(dim, accept);
  } else if (inverted) {
    // Global statistics count the indexed (non-empty) vectors of live points and those removed
    // by a delete since the last compaction, as Qdrant's index keeps them until a vacuum.
    auto accept = [&](uint32_t offset) {
      if (retained && retained->test(offset)) return true;
      return present && alive->test(offset) && present->test(offset);
    };
    documents = inverted->document_count(accept);
    for (auto& [dim, df] : frequencies) df = inverted->document_frequency(dim, accept);
  }
  for (auto& v : out)
    for (size_t i = 0; i < v.indices.size(); ++i)
      v.values[i] *= index::sparse::idf(documents, frequencies[v.indices[i]]);
  return out;
}

index::sparse::SortedSparse prepare_sparse_query(const ReadView& view, size_t sparse_index,
                                                 const SparseVector& query,
                                                 const index::filter::Filter* corpus) {
  auto weighted = apply_idf(view, sparse_index, {query}, corpus);
  return {std::move(weighted[0].indices), std::move(weighted[0].values)};
}

}  // namespace sextant::storage
