// Runs one HNSW query over either graph form (a Layers accessor, see layer_search.hpp): converts
// the query to the element type, descends the upper levels, walks level 0 with the request's
// restrictions, and returns the k best as Qdrant scores. Shared by HnswGraph and HnswImageView.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "index/hnsw/hnsw_params.hpp"
#include "index/hnsw/layer_search.hpp"
#include "index/hnsw/search_request.hpp"

namespace sextant::index {

struct GraphSnapshot {
  uint32_t entry_point = 0;
  int max_level = -1;
  size_t points_count = 0;
  size_t deleted_count = 0;
};

template <typename T, typename Layers, typename IsDeleted>
std::vector<ScoredOffset> run_search(const Layers& layers, const HnswParams& params,
                                     const GraphSnapshot& graph, const SearchRequest& request,
                                     const VectorSource& source, const IsDeleted& is_deleted) {
  std::vector<ScoredOffset> hits;
  if (graph.max_level < 0 || request.k == 0) return hits;
  const auto distance = GraphDistance<T>::make(params.distance, params.dim);
  std::vector<T> converted;
  const T* query;
  if constexpr (std::is_same_v<T, float>) {
    query = request.query;
  } else {
    converted = convert_query<T>(request.query, params.dim);
    query = converted.data();
  }

  const uint32_t entry = greedy_descend(layers, distance, query, source, graph.entry_point,
                                        graph.max_level, 0);
  const size_t ef = std::max(request.ef, request.k);
  const bool restricted = graph.deleted_count > 0 || !request.filter.empty() ||
                          !request.alive.empty() || !request.predicate.empty();
  thread_local std::vector<Candidate> results;
  VisitedSet& visited = thread_local_visited_set();
  SearchScratch& scratch = thread_local_search_scratch();
  if (!restricted) {
    auto accept_all = [](uint32_t) { return true; };
    search_layer<false>(layers, distance, query, source, entry, 0, ef, ef, accept_all, visited,
                        scratch, results);
  } else {
    auto accept = [&](uint32_t node) {
      return !is_deleted(node) && (request.filter.empty() || request.filter.test(node)) &&
             (request.alive.empty() || request.alive.test(node)) &&
             (request.predicate.empty() ||
              request.predicate.accepts(request.predicate.context, node));
    };
    // Explore about ef / selectivity nodes; unknown selectivity: bounded by results only.
    size_t explore_width = SIZE_MAX;
    const size_t live = graph.points_count - std::min(graph.deleted_count, graph.points_count);
    if (request.filter_cardinality > 0 || (request.filter.empty() && request.predicate.empty())) {
      const double passing = request.filter_cardinality > 0
                                 ? double(std::min<uint64_t>(request.filter_cardinality, live))
                                 : double(live);
      const double selectivity = std::max(passing, 1.0) / double(std::max<size_t>(graph.points_count, 1));
      explore_width = size_t(double(ef) / selectivity) + 1;
    }
    search_layer<true>(layers, distance, query, source, entry, 0, ef, explore_width, accept,
                       visited, scratch, results);
  }
  std::sort(results.begin(), results.end(),
            [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
  const size_t count = std::min(request.k, results.size());
  hits.reserve(count);
  for (size_t i = 0; i < count; ++i)
    hits.push_back({results[i].node, distance.to_score(results[i].distance)});
  return hits;
}

template <typename Layers, typename IsDeleted>
std::vector<ScoredOffset> run_search_any_type(const Layers& layers, const HnswParams& params,
                                              const GraphSnapshot& graph,
                                              const SearchRequest& request,
                                              const VectorSource& source,
                                              const IsDeleted& is_deleted) {
  switch (params.datatype) {
    case VectorDatatype::kFloat32:
      return run_search<float>(layers, params, graph, request, source, is_deleted);
    case VectorDatatype::kFloat16:
      return run_search<uint16_t>(layers, params, graph, request, source, is_deleted);
    case VectorDatatype::kUint8:
      return run_search<uint8_t>(layers, params, graph, request, source, is_deleted);
  }
  return {};
}

}  // namespace sextant::index
