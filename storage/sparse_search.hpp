// Nearest search over a sparse vector, as Qdrant's sparse vector index answers it: the query is
// sorted and (with the `idf` modifier) weighted by IDF, then scored by dot product against the
// points sharing at least one dimension with it; points without overlap are never returned.
//
// Two plans with the same results: the inverted index of the view (posting lists of the query's
// dimensions only), or a scan of the stored vectors. Qdrant's rule picks between them: a
// filtered search whose filter matches fewer points than the vector's `full_scan_threshold`
// scans; every other search reads the inverted index.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/read_view.hpp"
#include "storage/vector_search.hpp"

namespace sextant::storage {

// `filter_cardinality`: the estimated number of points matching the request's filter.
std::vector<ScoredOffset> sparse_search(const ReadView& view, const SearchRequest& request,
                                        std::optional<uint64_t> filter_cardinality);

// The two plans, for callers that must choose one (exact search, benchmarks).
std::vector<ScoredOffset> sparse_index_search(const ReadView& view, const SearchRequest& request);
std::vector<ScoredOffset> sparse_scan_search(const ReadView& view, const SearchRequest& request);

}  // namespace sextant::storage
