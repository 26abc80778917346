// VectorSource: where the HNSW graph reads the vectors of its points, without copying them.
//
// Vectors are addressed by internal offset and grouped in chunks of 2^per_chunk_shift vectors;
// chunk c starts at chunks[c] and holds its vectors back to back (dim components of `datatype`
// each). Storage points the chunk table straight into the LMDB memory map (zero-copy); a caller
// with one contiguous array uses a single chunk with per_chunk_shift = 31.
//
// A VectorSource owns nothing. The chunk table and every chunk must stay valid and unchanged for
// the duration of each graph call it is passed to, and must cover every offset the graph holds.
// There is no virtual call: vector() is two loads and a multiply-add, cheap in the inner loop.
#pragma once

#include <cstddef>
#include <cstdint>

#include "index/distance/distance.hpp"

namespace sextant::index {

struct VectorSource {
  const void* const* chunks = nullptr;
  uint32_t per_chunk_shift = 31;
  uint32_t dim = 0;
  VectorDatatype datatype = VectorDatatype::kFloat32;

  static VectorSource from_float_chunks(const float* const* chunk_table, uint32_t shift,
                                        uint32_t dimension) {
    return {reinterpret_cast<const void* const*>(chunk_table), shift, dimension,
            VectorDatatype::kFloat32};
  }

  size_t vector_bytes() const { return size_t(dim) * datatype_bytes(datatype); }

  const void* vector_data(uint32_t offset) const {
    const uint32_t mask = (per_chunk_shift >= 32) ? ~0u : ((1u << per_chunk_shift) - 1);
    const auto* chunk = static_cast<const std::byte*>(chunks[offset >> per_chunk_shift]);
    return chunk + size_t(offset & mask) * vector_bytes();
  }

  // Valid only when datatype is kFloat32.
  const float* vector(uint32_t offset) const {
    return static_cast<const float*>(vector_data(offset));
  }
};

}  // namespace sextant::index
