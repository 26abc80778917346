// Nearest-neighbour search over one read view: an exact scan split across the parallel pool,
// each part keeping a bounded heap, then merged. The HNSW index plugs in behind the same
// request and result types (see collection's indexed search), so callers do not change when a
// collection becomes indexed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.hpp"
#include "storage/parallel.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

using QueryVector = std::variant<std::vector<float>, SparseVector, MultiVector>;

// Qdrant's `params.quantization`: whether a quantized index walks its codes (`ignore`), and how
// many candidates (limit x oversampling) are rescored on the original vectors.
struct QuantizationSearchParams {
  bool ignore = false;
  bool rescore = true;
  double oversampling = 1.0;
};

// Qdrant's `params.idf`: the population the IDF statistics of a sparse query are computed over
// (the corpus filter's points; a null corpus is "global", the whole collection).
struct IdfParams {
  std::shared_ptr<const index::filter::Filter> corpus;
};

struct SearchParams {
  std::optional<uint32_t> hnsw_ef;
  bool exact = false;
  bool indexed_only = false;
  QuantizationSearchParams quantization;
  std::optional<IdfParams> idf;  // only for sparse vectors with the `idf` modifier
};

struct SearchRequest {
  std::string vector_name;  // "" is the default vector
  QueryVector vector;
  std::shared_ptr<const index::filter::Filter> filter;
  size_t limit = 10;
  size_t offset = 0;
  std::optional<float> score_threshold;
  SearchParams params;
};

struct ScoredOffset {
  uint32_t offset = 0;
  float score = 0;
};

// Checks the query against the schema: vector name, kind and dimension, with Qdrant's texts.
Status validate_search(const CollectionSchema& schema, const SearchRequest& request);

// A dense or multi-dense query made like the stored vectors of its field: rows normalised under
// Cosine (not for uint8), then converted to the field's datatype (Qdrant's preprocess, then its
// element conversion).
void prepare_query_rows(const DenseVectorSpec& spec, std::vector<float>& values);

// Exact search. Results are best first; ties keep offset order.
std::vector<ScoredOffset> exact_search(const ReadView& view, const SearchRequest& request,
                                       ParallelPool& pool);

// Exact search with a caller's score (higher is better) over a dense or multi-dense vector: used
// by recommend (best_score, sum_scores), discover, context and relevance feedback queries. The
// scorer gets the stored rows (one for a dense vector). `excluded` offsets are never returned.
// Results are best first.
using DenseScorer = std::function<float(const float* rows, uint32_t row_count)>;
std::vector<ScoredOffset> exact_search_by(const ReadView& view, size_t dense_index,
                                          const index::filter::Filter* filter, size_t limit,
                                          size_t offset, std::optional<float> score_threshold,
                                          const DenseScorer& scorer,
                                          const std::vector<uint32_t>& excluded,
                                          ParallelPool& pool);

// True when `a` ranks before `b` for this distance (higher scores first for Cosine/Dot).
bool better_score(Distance distance, float a, float b);
bool passes_threshold(Distance distance, float score, float threshold);

}  // namespace sextant::storage
