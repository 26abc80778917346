// Sparse vectors as Qdrant keeps and scores them: stored with indices ascending, compared by
// the dot product over the dimensions both vectors carry, and, for a vector with the `idf`
// modifier, queried with every weight multiplied by the dimension's inverse document frequency
// over the collection (or over the points matching an IDF corpus filter).
//
// The IDF statistics are read from the view's inverted index at query time, as Qdrant 1.19
// computes them: globally, a document is a non-empty vector of a live point or one removed by a
// point or vector delete since the last offset compaction (Qdrant's index keeps deleted
// vectors counted until a vacuum or a restart; replaced vectors stop counting at once); over an
// IDF corpus, a document is a live point matching the corpus filter that carries the vector,
// empty or not.
#pragma once

#include <memory>
#include <optional>
#include <span>

#include "common/status.hpp"
#include "index/sparse/inverted_index.hpp"
#include "storage/point_reader.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

// `v` with its (index, value) pairs ordered by index.
SparseVector sorted_by_index(const SparseVector& v);
bool is_sorted_by_index(const SparseVector& v);

// Adds a vector as stored in a sparse:<i> table (u32 count, u32 indices[count], f32
// values[count]) to `pending`, sorted by index (stores written before sorting are sorted here);
// malformed values are skipped.
void add_stored_sparse(index::sparse::PendingVectors& pending, uint32_t offset,
                       std::span<const uint8_t> stored);

// Dot product over the shared dimensions of two index-sorted vectors; nullopt without overlap.
std::optional<float> sparse_dot(const uint32_t* a_indices, const float* a_values, size_t a_count,
                                const uint32_t* b_indices, const float* b_values, size_t b_count);
std::optional<float> sparse_dot(const SparseVector& query, const SparseView& point);

// The query as the search uses it: sorted by index and, for a vector with the `idf` modifier,
// each weight multiplied by Qdrant's IDF computed over `corpus` (null: the whole collection).
index::sparse::SortedSparse prepare_sparse_query(const ReadView& view, size_t sparse_index,
                                                 const SparseVector& query,
                                                 const index::filter::Filter* corpus);

// The IDF weights of several vectors at once (examples of one query share the statistics);
// vectors are returned sorted and weighted as prepare_sparse_query does.
std::vector<SparseVector> apply_idf(const ReadView& view, size_t sparse_index,
                                    const std::vector<SparseVector>& vectors,
                                    const index::filter::Filter* corpus);

}  // namespace sextant::storage
