// Scalar (int8) quantization, Qdrant's `quantization_config.scalar`: every component becomes
// round(x * scale) clamped to [-127, 127], one scale for the whole collection chosen so that the
// `quantile` fraction of |components| fits without clipping. Codes are 4x smaller than float32,
// so a graph walk on them touches a quarter of the memory and uses integer SIMD; the few final
// candidates are then rescored on the original vectors (SearchRequest::rescore/oversampling).
//
// QuantizedVectors owns the codes of one vector field, stored contiguously by offset (one code
// every `dim` bytes), and reads like a VectorSource (vector_data/vector_bytes), so the graph walk
// is the same code for both. Growth (reserve) must not race with readers; encoding distinct
// offsets concurrently is safe once capacity is reserved.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/huge_page_allocator.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

class ScalarQuantizer {
 public:
  explicit ScalarQuantizer(float scale = 127.0f) : scale_(scale) {}

  // Chooses the scale from the vectors at `sample` (float32 source).
  static ScalarQuantizer train(const VectorSource& source, std::span<const uint32_t> sample,
                               float quantile);

  float scale() const { return scale_; }
  void encode(const float* vector, size_t dim, int8_t* code) const;

 private:
  float scale_;
};

class QuantizedVectors {
 public:
  QuantizedVectors(const ScalarQuantizer& quantizer, uint32_t dim)
      : quantizer_(quantizer), dim_(dim) {}

  const ScalarQuantizer& quantizer() const { return quantizer_; }
  uint32_t dim() const { return dim_; }
  uint32_t capacity() const { return uint32_t(codes_.size() / dim_); }

  void reserve(uint32_t capacity);
  // Encodes `vector` as the code of `offset` (capacity must cover it).
  void set(uint32_t offset, const float* vector) {
    quantizer_.encode(vector, dim_, codes_.data() + size_t(offset) * dim_);
  }
  // Encodes every offset of `offsets` from `source`, on `threads` threads.
  void encode_all(std::span<const uint32_t> offsets, const VectorSource& source, unsigned threads);

  // Every code slot reserved so far (capacity() x dim bytes, unencoded slots zero), for storing.
  std::span<const int8_t> codes() const { return codes_; }
  // Replaces all codes with a stored copy of codes() (its size a multiple of dim).
  void assign(std::span<const int8_t> codes) { codes_.assign(codes.begin(), codes.end()); }

  size_t vector_bytes() const { return dim_; }
  const void* vector_data(uint32_t offset) const { return codes_.data() + size_t(offset) * dim_; }
  size_t memory_bytes() const { return codes_.capacity(); }

 private:
  ScalarQuantizer quantizer_;
  uint32_t dim_;
  std::vector<int8_t, HugePageAllocator<int8_t>> codes_;  // on huge pages: read at random
};

}  // namespace sextant::index
