// What a caller asks of an HNSW search, and what it gets back.
//
// Filtering is expressed over internal offsets. A point can be returned only if it passes every
// restriction given: the `filter` bitset, the `alive` bitset and the `predicate` (each optional).
// Points failing them are still traversed, so the graph stays navigable under any filter.
// `filter_cardinality` (how many offsets pass; 0 = unknown) lets the search widen its beam when
// the filter is restrictive. Callers should answer very small filters by exact search instead:
// see `should_search_exactly`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sextant::index {

class QuantizedVectors;
class BinaryVectors;
class ProductVectors;
class TurboVectors;

// A read-only bitset over offsets (bit i of words[i / 64]). Bits beyond word_count are 0.
struct OffsetBitsetView {
  const uint64_t* words = nullptr;
  size_t word_count = 0;

  bool empty() const { return words == nullptr; }
  bool test(uint32_t offset) const {
    const size_t word = offset >> 6;
    return word < word_count && ((words[word] >> (offset & 63)) & 1);
  }
};

// A caller-supplied test on an offset (e.g. a payload filter). Must be thread-safe and cheap.
struct OffsetPredicate {
  bool (*accepts)(const void* context, uint32_t offset) = nullptr;
  const void* context = nullptr;

  bool empty() const { return accepts == nullptr; }
};

struct SearchRequest {
  const float* query = nullptr;     // dim components; normalised by the caller for Cosine
  size_t k = 10;                    // results wanted
  size_t ef = 0;                    // beam width; raised to at least k
  OffsetBitsetView filter;          // optional: offsets allowed by the query filter
  OffsetBitsetView alive;           // optional: offsets that currently exist
  OffsetPredicate predicate;        // optional: further test
  uint64_t filter_cardinality = 0;  // offsets passing all restrictions; 0 = unknown/unfiltered

  // Quantized search (Qdrant's `params.quantization`): when set, the graph is walked on these
  // int8 codes (float32 Cosine/Dot/Euclid indexes only; otherwise ignored) with a beam of
  // max(ef, ceil(k * oversampling)), and, with `rescore`, the best ceil(k * oversampling) of
  // them by code distance are rescored on the full vectors (as Qdrant's oversampling).
  const QuantizedVectors* quantized = nullptr;
  // Binary-quantized search: the same, walking on these bit codes by Hamming distance (float32
  // indexes of any Distance). Takes precedence over `quantized` when both are set.
  const BinaryVectors* binary = nullptr;
  // Product-quantized search: the same, walking on PQ codes by a per-query lookup table (float32
  // indexes of any Distance). Takes precedence over `quantized` when both are set.
  const ProductVectors* product = nullptr;
  // TurboQuant search: the same, walking on rotated scalar codes by a per-query table (float32
  // Cosine/Dot/Euclid indexes). Takes precedence over `quantized` when both are set.
  const TurboVectors* turbo = nullptr;
  bool rescore = true;
  double oversampling = 1.0;
};

// One hit. `score` follows Qdrant's convention for the index's Distance (see distance.hpp).
struct ScoredOffset {
  uint32_t offset = 0;
  float score = 0;
};

// True when a filtered query is better answered by scanning the matching points exactly than by
// walking the graph, as Qdrant decides with `hnsw_config.full_scan_threshold` (in KiB of vectors).
inline bool should_search_exactly(uint64_t filter_cardinality, size_t vector_bytes,
                                  uint64_t full_scan_threshold_kb) {
  return filter_cardinality * vector_bytes < full_scan_threshold_kb * 1024;
}

}  // namespace sextant::index
