// Runs one HNSW query over either graph form (a Layers accessor, see layer_search.hpp): converts
// the query to the element type, descends the upper levels, walks level 0 with the request's
// restrictions — on full vectors, or on int8, binary, product or turbo codes followed by
// rescoring — and returns the k best as Qdrant scores. Shared by HnswGraph and HnswImageView.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "index/hnsw/hnsw_params.hpp"
#include "index/hnsw/layer_search.hpp"
#include "index/hnsw/search_request.hpp"
#include "index/quantization/binary_quantizer.hpp"
#include "index/quantization/binary_query.hpp"
#include "index/quantization/product_quantizer.hpp"
#include "index/quantization/scalar_quantizer.hpp"
#include "index/quantization/turbo_quantizer.hpp"

namespace sextant::index {

struct GraphSnapshot {
  uint32_t entry_point = 0;
  int max_level = -1;
  size_t points_count = 0;
  size_t deleted_count = 0;
  uint32_t offset_limit = 0;  // every node's offset is below this
};

// Walks the graph for `query` (already in the element type of `source`) and leaves the best
// accepted candidates, at most `ef`, in `results` (unsorted).
template <typename Dist, typename Layers, typename Source, typename IsDeleted>
void walk_graph(const Layers& layers, const Dist& distance, const typename Dist::Query* query,
                const Source& source, const GraphSnapshot& graph, const SearchRequest& request,
                size_t ef, const IsDeleted& is_deleted, std::vector<Candidate>& results) {
  const uint32_t entry =
      greedy_descend(layers, distance, query, source, graph.entry_point, graph.max_level, 0);
  const bool restricted = graph.deleted_count > 0 || !request.filter.empty() ||
                          !request.alive.empty() || !request.predicate.empty();
  VisitedSet& visited = thread_local_visited_set();
  SearchScratch& scratch = thread_local_search_scratch();
  if (!restricted) {
    auto accept_all = [](uint32_t) { return true; };
    search_layer<false>(layers, distance, query, source, entry, 0, ef, ef, accept_all, visited,
                        scratch, results);
    return;
  }
  auto accept = [&](uint32_t node) {
    return !is_deleted(node) && (request.filter.empty() || request.filter.test(node)) &&
           (request.alive.empty() || request.alive.test(node)) &&
           (request.predicate.empty() ||
            request.predicate.accepts(request.predicate.context, node));
  };
  // Explore about ef / selectivity nodes; with an unknown selectivity the walk is bounded by
  // the accepted results only.
  size_t explore_width = SIZE_MAX;
  const size_t live = graph.points_count - std::min(graph.deleted_count, graph.points_count);
  if (request.filter_cardinality > 0 || (request.filter.empty() && request.predicate.empty())) {
    const double passing = request.filter_cardinality > 0
                               ? double(std::min<uint64_t>(request.filter_cardinality, live))
                               : double(live);
    const double selectivity =
        std::max(passing, 1.0) / double(std::max<size_t>(graph.points_count, 1));
    explore_width = size_t(double(ef) / selectivity) + 1;
  }
  search_layer<true>(layers, distance, query, source, entry, 0, ef, explore_width, accept, visited,
                     scratch, results);
}

inline void sort_closest_first(std::vector<Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
}

// The quantized search: walks the graph on `codes` (int8, binary, product or turbo) with a beam of
// max(ef, ceil(k * oversampling)), then, with `request.rescore`, rescores the best
// ceil(k * oversampling) by code distance on the float32 vectors of `source`; without it, scores
// are the codes' estimates.
template <typename CodeDistance, typename Layers, typename Codes, typename IsDeleted>
std::vector<ScoredOffset> search_on_codes(const Layers& layers, const CodeDistance& code_distance,
                                          const typename CodeDistance::Query* query_code,
                                          const Codes& codes, const GraphDistance<float>& distance,
                                          const ResolvedSource& source, const GraphSnapshot& graph,
                                          const SearchRequest& request, size_t ef,
                                          const IsDeleted& is_deleted) {
  thread_local std::vector<Candidate> results;
  const size_t wanted = size_t(std::ceil(double(request.k) * std::max(1.0, request.oversampling)));
  walk_graph(layers, code_distance, query_code, codes, graph, request, std::max(ef, wanted),
             is_deleted, results);
  sort_closest_first(results);
  if (request.rescore) {
    // Rescore the best k * oversampling by code distance on the full vectors, prefetching one
    // ahead: these reads are cold, the codes were what the walk touched.
    results.resize(std::min(results.size(), std::max(request.k, wanted)));
    const size_t lines = std::min<size_t>((source.vector_bytes() + 63) / 64, 32);
    if (!results.empty()) prefetch_vector(source, results[0].node, lines);
    for (size_t i = 0; i < results.size(); ++i) {
      if (i + 1 < results.size()) prefetch_vector(source, results[i + 1].node, lines);
      results[i].distance = distance(request.query, vector_of<float>(source, results[i].node));
    }
    sort_closest_first(results);
  }
  std::vector<ScoredOffset> hits;
  const size_t count = std::min(request.k, results.size());
  hits.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const float d = results[i].distance;
    hits.push_back(
        {results[i].node, request.rescore ? distance.to_score(d) : code_distance.to_score(d)});
  }
  return hits;
}

template <typename T, typename Layers, typename IsDeleted>
std::vector<ScoredOffset> run_search(const Layers& layers, const HnswParams& params,
                                     const GraphSnapshot& graph, const SearchRequest& request,
                                     const VectorSource& vectors, const IsDeleted& is_deleted) {
  std::vector<ScoredOffset> hits;
  if (graph.max_level < 0 || request.k == 0) return hits;
  const ResolvedSource source(vectors);
  const auto distance = GraphDistance<T>::make(params.distance, params.dim);
  thread_local std::vector<Candidate> results;
  const size_t ef = std::max(request.ef, request.k);

  if constexpr (std::is_same_v<T, float>) {
    const BinaryVectors* bits = request.binary;
    if (bits != nullptr && bits->dim() == params.dim && bits->capacity() >= graph.offset_limit &&
        bits->query_bits() > 0) {
      thread_local std::vector<uint64_t> planes;
      const auto plane_distance =
          BinaryAsymmetricDistance::encode(params.distance, request.query, params.dim,
                                           bits->words_per_vector(), bits->query_bits(), planes);
      return search_on_codes(layers, plane_distance, planes.data(), *bits, distance, source, graph,
                             request, ef, is_deleted);
    }
    if (bits != nullptr && bits->dim() == params.dim && bits->capacity() >= graph.offset_limit) {
      thread_local std::vector<uint64_t> query_bits;
      query_bits.resize(bits->words_per_vector());
      bits->quantizer().encode(request.query, query_bits.data());
      const auto bit_distance = GraphDistance<uint64_t>::make(
          params.distance, bits->words_per_vector(), bits->quantizer().bits_per_vector());
      return search_on_codes(layers, bit_distance, query_bits.data(), *bits, distance, source,
                             graph, request, ef, is_deleted);
    }
    const ProductVectors* product = request.product;
    if (product != nullptr && product->quantizer().valid() && product->dim() == params.dim &&
        product->capacity() >= graph.offset_limit) {
      const ProductCodeDistance table_distance{params.distance, product->quantizer().sub_count()};
      thread_local std::vector<float> table;
      table.resize(table_distance.sub_count * ProductQuantizer::kCentroids);
      product->quantizer().fill_table(params.distance, request.query, table.data());
      return search_on_codes(layers, table_distance, table.data(), *product, distance, source,
                             graph, request, ef, is_deleted);
    }
    const TurboVectors* turbo = request.turbo;
    if (turbo != nullptr && turbo->quantizer().valid() && turbo->dim() == params.dim &&
        params.distance != Distance::kManhattan && turbo->capacity() >= graph.offset_limit) {
      thread_local std::vector<float> table;
      table.resize(turbo->quantizer().table_size());
      const float query_squared_norm = turbo->quantizer().fill_table(request.query, table.data());
      const TurboCodeDistance table_distance{params.distance, turbo->quantizer().packed_bytes(),
                                             query_squared_norm};
      return search_on_codes(layers, table_distance, table.data(), *turbo, distance, source, graph,
                             request, ef, is_deleted);
    }
    const QuantizedVectors* codes = request.quantized;
    if (codes != nullptr && GraphDistance<int8_t>::supports(params.distance) &&
        codes->dim() == params.dim && codes->capacity() >= graph.offset_limit) {
      thread_local std::vector<int8_t> query_code;
      query_code.resize(params.dim);
      codes->quantizer().encode(request.query, params.dim, query_code.data());
      const auto code_distance =
          GraphDistance<int8_t>::make(params.distance, params.dim, codes->quantizer().scale());
      return search_on_codes(layers, code_distance, query_code.data(), *codes, distance, source,
                             graph, request, ef, is_deleted);
    }
  }

  std::vector<T> converted;
  const T* query;
  if constexpr (std::is_same_v<T, float>) {
    query = request.query;
  } else {
    converted = convert_query<T>(request.query, params.dim);
    query = converted.data();
  }
  walk_graph(layers, distance, query, source, graph, request, ef, is_deleted, results);
  sort_closest_first(results);
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
