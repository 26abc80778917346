// The inverted-index and scan plans of sparse nearest search (see sparse_search.hpp).
#include "storage/sparse_search.hpp"

#include <algorithm>
#include <queue>

#include "storage/point_filter.hpp"
#include "storage/sparse_vectors.hpp"

namespace sextant::storage {
namespace {

struct PreparedQuery {
  size_t vector_index = 0;
  index::sparse::SortedSparse query;
};

std::optional<PreparedQuery> prepare(const ReadView& view, const SearchRequest& request) {
  const int vector_index = view.schema().sparse_index(request.vector_name);
  if (vector_index < 0 || request.limit + request.offset == 0) return std::nullopt;
  const auto* corpus = request.params.idf ? request.params.idf->corpus.get() : nullptr;
  PreparedQuery prepared{size_t(vector_index), {}};
  prepared.query = prepare_sparse_query(view, size_t(vector_index),
                                        std::get<SparseVector>(request.vector), corpus);
  if (prepared.query.indices.empty()) return std::nullopt;  // Qdrant: no results
  return prepared;
}

std::vector<ScoredOffset> page(const std::vector<index::sparse::SparseHit>& hits, size_t offset) {
  std::vector<ScoredOffset> out;
  for (size_t i = offset; i < hits.size(); ++i) out.push_back({hits[i].offset, hits[i].score});
  return out;
}

}  // namespace

std::vector<ScoredOffset> sparse_index_search(const ReadView& view, const SearchRequest& request) {
  auto prepared = prepare(view, request);
  if (!prepared) return {};
  const ViewState& state = view.state();
  const auto& inverted = state.sparse_index[prepared->vector_index];
  if (!inverted) return sparse_scan_search(view, request);
  const Bitset* present = state.sparse_present[prepared->vector_index].get();
  const Bitset* alive = state.alive.get();
  PointReader reader = view.reader();
  auto accept = [&](uint32_t offset) {
    if (!alive->test(offset) || !present->test(offset)) return false;
    return !request.filter || point_matches(*request.filter, reader, offset);
  };
  const float* threshold = request.score_threshold ? &*request.score_threshold : nullptr;
  auto hits = inverted->search(prepared->query, request.limit + request.offset, accept, threshold);
  return page(hits, request.offset);
}

std::vector<ScoredOffset> sparse_scan_search(const ReadView& view, const SearchRequest& request) {
  auto prepared = prepare(view, request);
  if (!prepared) return {};
  const ViewState& state = view.state();
  const Bitset* present = state.sparse_present[prepared->vector_index].get();
  if (!present) return {};
  const size_t keep = request.limit + request.offset;
  const auto& query = prepared->query;
  PointReader reader = view.reader();
  auto worse_first = [](const index::sparse::SparseHit& a, const index::sparse::SparseHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.offset < b.offset;
  };
  std::priority_queue<index::sparse::SparseHit, std::vector<index::sparse::SparseHit>,
                      decltype(worse_first)>
      top(worse_first);
  for (uint32_t offset = 0; offset < state.offset_limit; ++offset) {
    if (!present->test(offset) || !state.alive->test(offset)) continue;
    auto point = reader.sparse(prepared->vector_index, offset);
    if (!point) continue;
    auto score = sparse_dot(query.indices.data(), query.values.data(), query.indices.size(),
                            point->indices.data(), point->values.data(), point->indices.size());
    if (!score) continue;  // no shared dimension: not a result, as in Qdrant
    const index::sparse::SparseHit hit{offset, *score};
    if (top.size() == keep && !worse_first(hit, top.top())) continue;
    if (request.score_threshold && !(hit.score > *request.score_threshold)) continue;
    if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
    top.push(hit);
    if (top.size() > keep) top.pop();
  }
  std::vector<index::sparse::SparseHit> hits(top.size());
  for (size_t i = hits.size(); i-- > 0;) {
    hits[i] = top.top();
    top.pop();
  }
  return page(hits, request.offset);
}

std::vector<ScoredOffset> sparse_search(const ReadView& view, const SearchRequest& request,
                                        std::optional<uint64_t> filter_cardinality) {
  const auto* spec = view.schema().find_sparse(request.vector_name);
  if (!spec) return {};
  if (request.filter && filter_cardinality && *filter_cardinality < spec->full_scan_threshold)
    return sparse_scan_search(view, request);
  return sparse_index_search(view, request);
}

}  // namespace sextant::storage
