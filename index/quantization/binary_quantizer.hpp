// Binary quantization, Qdrant's `quantization_config.binary`: every vector becomes a bit string
// packed in u64 words, and the graph walk orders candidates by Hamming distance (popcount of
// XOR, the dispatched `hamming_u64` kernel) instead of float arithmetic: 32x less memory than
// float32 for one_bit, and a distance that costs a few instructions. The estimate is coarse, so
// the walk keeps a wider beam and the best k * oversampling candidates are rescored on the
// original vectors (SearchRequest::rescore/oversampling).
//
// Encodings (`encoding`), for a vector of `dim` components:
//   one_bit            bit i = component i > 0. dim bits.
//   two_bits           a "thermometer" of three levels per component, from its z-score against
//                      the per-dimension mean and standard deviation learned at training:
//                      low = 00, middle = 10, high = 11 (first bits of all components, then
//                      second bits), so the Hamming distance counts level steps. 2 * dim bits.
//   one_and_half_bits  the first bits of two_bits, then one bit per pair of components: the OR
//                      of their second bits. dim + ceil(dim / 2) bits.
// Every code is padded with zero bits to whole words (`words_per_vector`).
//
// The query is encoded like the stored vectors (Qdrant's `query_encoding: default` and
// `binary`), or, with one_bit codes and `query_bits` 4 or 8 (`scalar4bits` / `scalar8bits`),
// kept at that many bits per component (binary_query.hpp). two_bits and one_and_half_bits codes
// always walk with a query encoded like them.
//
// BinaryVectors owns the codes of one vector field, contiguous by offset, and reads like a
// VectorSource (vector_data/vector_bytes), so the walk is the same code as for float vectors.
// Growth (reserve) must not race with readers; encoding distinct offsets concurrently is safe
// once capacity is reserved.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

enum class BinaryEncoding : uint32_t { kOneBit = 0, kTwoBits = 1, kOneAndHalfBits = 2 };

class BinaryQuantizer {
 public:
  BinaryQuantizer() = default;
  BinaryQuantizer(BinaryEncoding encoding, uint32_t dim, std::vector<float> means = {},
                  std::vector<float> deviations = {});

  // Learns the per-dimension mean and standard deviation from the vectors at `sample` (needed
  // by two_bits and one_and_half_bits; one_bit needs no training).
  static BinaryQuantizer train(BinaryEncoding encoding, const VectorSource& source,
                               std::span<const uint32_t> sample);

  BinaryEncoding encoding() const { return encoding_; }
  uint32_t dim() const { return dim_; }
  uint32_t bits_per_vector() const;
  uint32_t words_per_vector() const { return (bits_per_vector() + 63) / 64; }
  // Empty for one_bit; dim values each otherwise (persisted beside the codes).
  const std::vector<float>& means() const { return means_; }
  const std::vector<float>& deviations() const { return deviations_; }

  // Writes words_per_vector() words at `code`.
  void encode(const float* vector, uint64_t* code) const;

 private:
  // 0 (low), 1 (middle) or 2 (high) for component i.
  int level(size_t i, float value) const;

  BinaryEncoding encoding_ = BinaryEncoding::kOneBit;
  uint32_t dim_ = 0;
  std::vector<float> means_;
  std::vector<float> deviations_;
};

class BinaryVectors {
 public:
  explicit BinaryVectors(const BinaryQuantizer& quantizer)
      : quantizer_(quantizer), words_(quantizer.words_per_vector()) {}

  const BinaryQuantizer& quantizer() const { return quantizer_; }
  uint32_t dim() const { return quantizer_.dim(); }
  uint32_t words_per_vector() const { return words_; }
  // Bits per component of the query: 0 (encoded like the codes), 4 or 8 (one_bit codes only).
  uint32_t query_bits() const { return query_bits_; }
  void set_query_bits(uint32_t bits) {
    query_bits_ =
        quantizer_.encoding() == BinaryEncoding::kOneBit && (bits == 4 || bits == 8) ? bits : 0;
  }
  uint32_t capacity() const { return words_ == 0 ? 0 : uint32_t(codes_.size() / words_); }

  void reserve(uint32_t capacity);
  // Encodes `vector` as the code of `offset` (capacity must cover it).
  void set(uint32_t offset, const float* vector) {
    quantizer_.encode(vector, codes_.data() + size_t(offset) * words_);
  }
  // Encodes every offset of `offsets` from `source`, on `threads` threads.
  void encode_all(std::span<const uint32_t> offsets, const VectorSource& source, unsigned threads);

  // Every code slot reserved so far (capacity() x words_per_vector words), for storing.
  std::span<const uint64_t> codes() const { return codes_; }
  // Replaces all codes with a stored copy of codes().
  void assign(std::span<const uint64_t> codes) { codes_.assign(codes.begin(), codes.end()); }

  size_t vector_bytes() const { return size_t(words_) * 8; }
  const void* vector_data(uint32_t offset) const { return codes_.data() + size_t(offset) * words_; }
  size_t memory_bytes() const { return codes_.capacity() * 8; }

 private:
  BinaryQuantizer quantizer_;
  uint32_t words_;
  uint32_t query_bits_ = 0;
  std::vector<uint64_t> codes_;
};

}  // namespace sextant::index
