// Qdrant's raw metric similarity, its multi-vector max_sim, and the element conversions of the
// `uint8` and `float16` datatypes: the scoring rules shared by search, prefetch rescoring and
// example queries (recommend / discover / context / relevance feedback).
//
// Conventions (Qdrant's `Metric::similarity` and `postprocess`):
//   similarity   larger is more similar for every distance: dot(a, b) for Cosine (rows
//                normalised beforehand) and Dot, -sum (a-b)^2 for Euclid, -sum |a-b| for Manhattan.
//                A `uint8` Cosine vector is stored as given (not normalised), so its similarity is
//                the cosine itself, 0 when either side is all zeros.
//   max_sim      sum over the query's rows of the best similarity to any row of the point.
//   postprocess  the score a nearest search reports: sqrt(|s|) for Euclid, |s| for Manhattan, s
//                otherwise. Example queries report their own formulas on raw similarities.
#pragma once

#include <cstddef>

#include "index/distance/distance.hpp"

namespace sextant::index {

float metric_similarity(Distance distance, VectorDatatype datatype, const float* a, const float* b,
                        size_t dim);

float max_sim(Distance distance, VectorDatatype datatype, const float* query, size_t query_rows,
              const float* point, size_t point_rows, size_t dim);

float postprocess_score(Distance distance, float similarity);

// The values a vector holds once stored as `datatype`: float32 unchanged; float16 rounded to the
// nearest IEEE half (overflow to infinity); uint8 truncated toward zero and clamped to 0..255,
// NaN to 0 (Rust's `as u8`).
void convert_to_datatype(VectorDatatype datatype, float* values, size_t count);

// Whether vectors of this distance and datatype are normalised when written and queried (Cosine,
// except for uint8, whose cosine is computed on the stored integers).
inline bool normalised_on_write(Distance distance, VectorDatatype datatype) {
  return distance == Distance::kCosine && datatype != VectorDatatype::kUint8;
}

}  // namespace sextant::index
