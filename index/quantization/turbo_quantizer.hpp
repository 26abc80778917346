// TurboQuant, Qdrant's `quantization_config.turbo`: a vector is rotated by a fixed random
// orthogonal transform, then every rotated coordinate is scalar-quantized on its own with the
// optimal (Lloyd-Max) levels of the coordinate distribution after rotation. A random rotation
// spreads a vector's energy evenly, so every coordinate of a vector of norm r in P dimensions is
// close to N(0, r^2 / P) whatever the data: one fixed set of levels fits every collection and
// nothing is trained.
//
// Rotation: the vector is zero-padded to P = the next power of two of dim, then three rounds of
// (random signs, normalised Walsh-Hadamard transform) are applied. The signs come from a seeded
// std::mt19937_64 (whose output the standard fixes), so codes are the same on every machine.
//
// Bits (`bits`) per rotated coordinate: bits1, bits2 and bits4 quantize the P coordinates with
// 2, 4 and 16 levels; bits1_5 (as Qdrant: one bit on 1.5x the dimensions) quantizes P + P/2
// coordinates at one bit, the extra P/2 taken from a second rotation with other signs.
//
// Code of one vector (code_bytes(), a multiple of 4): f32 `scale`, f32 squared norm, then the
// level indices packed low bits first (two 4-bit, four 2-bit or eight 1-bit indices per byte).
// The inner product with a query q is estimated as scale * sum_j level(c_j) * (R q)_j, where
// `scale` is chosen at encoding so that the estimate of <x, x> is exactly |x|^2 (this removes
// the shrinkage of the quantized levels). Euclid uses |x|^2 - 2 <x, q> + |q|^2.
//
// A search rotates the query once and fills a table of 16 partial sums per 4-bit group of the
// code (fill_table), so a code's estimate costs 2 reads per code byte (TurboCodeDistance).
// Manhattan cannot be estimated from inner products: callers do not quantize it.
//
// TurboVectors owns the codes of one vector field (code_bytes() per offset, contiguous by
// offset) and reads like a VectorSource. Growth (reserve) must not race with readers; encoding
// distinct offsets concurrently is safe once capacity is reserved.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "index/distance/distance.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

// Stored values: never renumber.
enum class TurboBits : uint32_t { kBits1 = 0, kBits1_5 = 1, kBits2 = 2, kBits4 = 3 };

class TurboQuantizer {
 public:
  static constexpr uint32_t kDefaultSeed = 0x7572626fu;
  static constexpr size_t kHeaderBytes = 8;  // scale, squared norm
  static constexpr size_t kTableGroup = 16;  // table entries per 4-bit group of the code

  TurboQuantizer() = default;
  TurboQuantizer(uint32_t dim, TurboBits bits, uint32_t seed = kDefaultSeed);

  uint32_t dim() const { return dim_; }
  TurboBits bits() const { return bits_; }
  uint32_t seed() const { return seed_; }
  bool valid() const { return dim_ > 0; }
  uint32_t padded_dim() const { return padded_dim_; }
  uint32_t code_dim() const { return code_dim_; }  // quantized rotated coordinates
  uint32_t bits_per_coordinate() const { return bits_per_coordinate_; }
  size_t packed_bytes() const { return packed_bytes_; }
  size_t code_bytes() const { return code_bytes_; }
  size_t table_size() const { return packed_bytes_ * 2 * kTableGroup; }
  // The Lloyd-Max levels of N(0, 1) for this bit size, ascending.
  std::span<const float> levels() const;

  // The code_dim() rotated coordinates of `vector` (dim components).
  void rotate(const float* vector, float* rotated) const;
  // Writes code_bytes() bytes at `code`.
  void encode(const float* vector, uint8_t* code) const;
  // Fills table_size() partial sums of the rotated `query`; returns |query|^2.
  float fill_table(const float* query, float* table) const;
  // The estimate of <vector encoded as `code`, query> from `query`'s table.
  float estimate_dot(const float* table, const uint8_t* code) const;

 private:
  void rotate_block(const float* vector, uint32_t block, float* out) const;

  uint32_t dim_ = 0;
  TurboBits bits_ = TurboBits::kBits4;
  uint32_t seed_ = kDefaultSeed;
  uint32_t padded_dim_ = 0;
  uint32_t code_dim_ = 0;
  uint32_t bits_per_coordinate_ = 0;
  size_t packed_bytes_ = 0;
  size_t code_bytes_ = 0;
  std::vector<float> signs_;  // rounds * blocks rows of padded_dim_ values +-1
};

// Sum of the table entries a code's packed indices select: 2 reads per byte.
inline float turbo_table_sum(const float* table, const uint8_t* packed, size_t packed_bytes) {
  float even = 0, odd = 0;
  for (size_t b = 0; b < packed_bytes; ++b, table += 2 * TurboQuantizer::kTableGroup) {
    even += table[packed[b] & 15];
    odd += table[TurboQuantizer::kTableGroup + (packed[b] >> 4)];
  }
  return even + odd;
}

// The walk's distance on turbo codes: the query is its table (TurboQuantizer::fill_table).
// Ordering values: -<x, q> for Cosine/Dot, the squared L2 estimate for Euclid.
struct TurboCodeDistance {
  using Element = uint8_t;
  using Query = float;
  Distance distance = Distance::kCosine;
  size_t packed_bytes = 0;
  float query_squared_norm = 0;

  float operator()(const float* table, const uint8_t* code) const {
    float scale, squared_norm;
    std::memcpy(&scale, code, 4);
    std::memcpy(&squared_norm, code + 4, 4);
    const float dot =
        scale * turbo_table_sum(table, code + TurboQuantizer::kHeaderBytes, packed_bytes);
    if (distance == Distance::kEuclid) return squared_norm - 2 * dot + query_squared_norm;
    return -dot;
  }
  float to_score(float ordering_value) const {
    if (distance == Distance::kEuclid) return std::sqrt(ordering_value > 0 ? ordering_value : 0);
    return -ordering_value;
  }
};

class TurboVectors {
 public:
  explicit TurboVectors(TurboQuantizer quantizer) : quantizer_(std::move(quantizer)) {}

  const TurboQuantizer& quantizer() const { return quantizer_; }
  uint32_t dim() const { return quantizer_.dim(); }
  uint32_t capacity() const {
    return quantizer_.code_bytes() == 0 ? 0 : uint32_t(codes_.size() / quantizer_.code_bytes());
  }

  void reserve(uint32_t capacity);
  void set(uint32_t offset, const float* vector) {
    quantizer_.encode(vector, codes_.data() + size_t(offset) * quantizer_.code_bytes());
  }
  void encode_all(std::span<const uint32_t> offsets, const VectorSource& source, unsigned threads);

  std::span<const uint8_t> codes() const { return codes_; }
  void assign(std::span<const uint8_t> codes) { codes_.assign(codes.begin(), codes.end()); }

  size_t vector_bytes() const { return quantizer_.code_bytes(); }
  const void* vector_data(uint32_t offset) const {
    return codes_.data() + size_t(offset) * quantizer_.code_bytes();
  }
  size_t memory_bytes() const { return codes_.capacity(); }

 private:
  TurboQuantizer quantizer_;
  std::vector<uint8_t> codes_;
};

}  // namespace sextant::index
