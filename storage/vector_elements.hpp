// Stored vector elements: the bytes a dense vector (or a multivector's rows) occupies in the
// `dense:<i>` chunks and `multi:<i>` records, for each datatype: float32 as its 4 bytes,
// float16 as IEEE binary16 (2 bytes), uint8 as one byte.
//
// Values reaching encode_elements have already been converted to the datatype
// (index::convert_to_datatype), so encoding is exact and decode_elements gives them back
// unchanged.
#pragma once

#include <cstddef>
#include <cstdint>

#include "index/distance/distance.hpp"

namespace sextant::storage {

inline size_t stored_vector_bytes(uint32_t dim, index::VectorDatatype datatype) {
  return size_t(dim) * index::datatype_bytes(datatype);
}

// Writes `count` values as `datatype` elements to `out` (count * datatype_bytes bytes).
void encode_elements(index::VectorDatatype datatype, const float* values, size_t count,
                     uint8_t* out);

// Reads `count` stored `datatype` elements at `stored` (any alignment) as float32 into `out`.
void decode_elements(index::VectorDatatype datatype, const void* stored, size_t count, float* out);

}  // namespace sextant::storage
