// Product quantization, Qdrant's `quantization_config.product`: a vector is cut into
// `sub_count` consecutive sub-vectors and each is replaced by the index (one byte) of its
// nearest of 256 centroids learned for that sub-vector by k-means. `compression` xN means a code
// of dim * 4 / N bytes, so sub_count = dim * 4 / N (at least 1, at most dim).
//
// A search compares the query with codes asymmetrically: the query stays float, and a per-query
// lookup table holds, for every sub-vector and centroid, that part's contribution to the
// ordering value (-dot for Cosine/Dot, squared L2 for Euclid, L1 for Manhattan); a code's
// distance is then sub_count table reads (ProductCodeDistance). As for the other quantizations,
// the best k * oversampling candidates are rescored on the original vectors.
//
// Training is deterministic: centroids start from a seeded draw of the sample and k-means runs
// a fixed number of iterations. Sub-vector s covers components [begin(s), begin(s + 1)).
//
// ProductVectors owns the codes of one vector field (sub_count bytes per offset, contiguous by
// offset) and reads like a VectorSource. Growth (reserve) must not race with readers; encoding
// distinct offsets concurrently is safe once capacity is reserved.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "index/distance/distance.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

class ProductQuantizer {
 public:
  static constexpr uint32_t kCentroids = 256;

  ProductQuantizer() = default;
  // `codebooks`: for each sub-vector s in order, kCentroids centroids of sub_dim(s) floats
  // (kCentroids * dim floats in all).
  ProductQuantizer(uint32_t dim, uint32_t sub_count, std::vector<float> codebooks);

  static uint32_t sub_count_for(uint32_t dim, uint32_t compression);
  // k-means per sub-vector on the vectors at `sample` (at most 8192 of them, evenly spread),
  // `iterations` rounds, on `threads` threads; the same inputs and seed give the same codebooks.
  static ProductQuantizer train(const VectorSource& source, std::span<const uint32_t> sample,
                                uint32_t sub_count, unsigned threads, uint32_t seed = 1,
                                int iterations = 8);

  uint32_t dim() const { return dim_; }
  uint32_t sub_count() const { return sub_count_; }
  uint32_t begin(uint32_t sub) const { return uint32_t(uint64_t(sub) * dim_ / sub_count_); }
  uint32_t sub_dim(uint32_t sub) const { return begin(sub + 1) - begin(sub); }
  const std::vector<float>& codebooks() const { return codebooks_; }
  bool valid() const { return sub_count_ > 0 && codebooks_.size() == size_t(kCentroids) * dim_; }

  // Writes sub_count() bytes at `code`: the nearest centroid (L2) of each sub-vector.
  void encode(const float* vector, uint8_t* code) const;
  // Fills sub_count() * kCentroids ordering-value contributions of `query` for `distance`.
  void fill_table(Distance distance, const float* query, float* table) const;

 private:
  const float* centroid(uint32_t sub, uint32_t index) const {
    return codebooks_.data() + size_t(begin(sub)) * kCentroids + size_t(index) * sub_dim(sub);
  }

  uint32_t dim_ = 0;
  uint32_t sub_count_ = 0;
  std::vector<float> codebooks_;
};

// The walk's distance on product codes: the query is its lookup table (fill_table).
struct ProductCodeDistance {
  using Element = uint8_t;
  using Query = float;
  Distance distance = Distance::kCosine;
  size_t sub_count = 0;

  float operator()(const float* table, const uint8_t* code) const {
    float sum = 0;
    for (size_t s = 0; s < sub_count; ++s) sum += table[s * ProductQuantizer::kCentroids + code[s]];
    return sum;
  }
  float to_score(float ordering_value) const {
    switch (distance) {
      case Distance::kCosine:
      case Distance::kDot:
        return -ordering_value;
      case Distance::kEuclid:
        return std::sqrt(ordering_value > 0 ? ordering_value : 0.0f);
      case Distance::kManhattan:
        return ordering_value;
    }
    return ordering_value;
  }
};

class ProductVectors {
 public:
  explicit ProductVectors(ProductQuantizer quantizer) : quantizer_(std::move(quantizer)) {}

  const ProductQuantizer& quantizer() const { return quantizer_; }
  uint32_t dim() const { return quantizer_.dim(); }
  uint32_t capacity() const {
    return quantizer_.sub_count() == 0 ? 0 : uint32_t(codes_.size() / quantizer_.sub_count());
  }

  void reserve(uint32_t capacity);
  void set(uint32_t offset, const float* vector) {
    quantizer_.encode(vector, codes_.data() + size_t(offset) * quantizer_.sub_count());
  }
  void encode_all(std::span<const uint32_t> offsets, const VectorSource& source, unsigned threads);

  std::span<const uint8_t> codes() const { return codes_; }
  void assign(std::span<const uint8_t> codes) { codes_.assign(codes.begin(), codes.end()); }

  size_t vector_bytes() const { return quantizer_.sub_count(); }
  const void* vector_data(uint32_t offset) const {
    return codes_.data() + size_t(offset) * quantizer_.sub_count();
  }
  size_t memory_bytes() const { return codes_.capacity() + quantizer_.codebooks().size() * 4; }

 private:
  ProductQuantizer quantizer_;
  std::vector<uint8_t> codes_;
};

}  // namespace sextant::index
