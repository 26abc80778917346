// GraphDistance: the Distance of an index turned into a "lower is closer" value the graph orders
// by, for one element type T (float, uint16_t = binary16, uint8_t), plus conversion back to
// Qdrant's score. Cosine/Dot order by -dot; Euclid by squared L2 (monotone in L2); Manhattan by L1.
// The kernel pointer comes from the one dispatch table (distance.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "index/distance/distance.hpp"

namespace sextant::index {

template <typename T>
struct GraphDistance {
  using Element = T;
  using Query = T;
  float (*kernel)(const T*, const T*, size_t) = nullptr;
  float sign = 1;
  Distance distance = Distance::kCosine;
  size_t dim = 0;

  static GraphDistance make(Distance d, size_t dimension) {
    const KernelTable& k = kernels();
    GraphDistance g;
    g.distance = d;
    g.dim = dimension;
    if constexpr (std::is_same_v<T, float>) {
      g.kernel = d == Distance::kEuclid      ? k.l2_squared_f32
                 : d == Distance::kManhattan ? k.l1_f32
                                             : k.dot_f32;
    } else if constexpr (std::is_same_v<T, uint16_t>) {
      g.kernel = d == Distance::kEuclid      ? k.l2_squared_f16
                 : d == Distance::kManhattan ? k.l1_f16
                                             : k.dot_f16;
    } else {
      g.kernel = d == Distance::kEuclid      ? k.l2_squared_u8
                 : d == Distance::kManhattan ? k.l1_u8
                                             : k.dot_u8;
    }
    g.sign = higher_is_better(d) ? -1.0f : 1.0f;
    return g;
  }

  float operator()(const T* a, const T* b) const { return sign * kernel(a, b, dim); }

  float to_score(float ordering_value) const {
    switch (distance) {
      case Distance::kCosine:
      case Distance::kDot:
        return -ordering_value;
      case Distance::kEuclid:
        return std::sqrt(ordering_value);
      case Distance::kManhattan:
        return ordering_value;
    }
    return ordering_value;
  }
};

// Scalar-quantized codes (int8, see index/quantization): exact integer kernels, ordering by
// -dot or squared L2 in code units. Scores come from rescoring, or from to_score's estimate.
template <>
struct GraphDistance<int8_t> {
  using Element = int8_t;
  using Query = int8_t;
  int32_t (*kernel)(const int8_t*, const int8_t*, size_t) = nullptr;
  float sign = 1;
  float unit = 1;  // one code unit squared, in original units: 1 / scale^2
  Distance distance = Distance::kCosine;
  size_t dim = 0;

  static bool supports(Distance d) { return d != Distance::kManhattan; }
  static GraphDistance make(Distance d, size_t dimension, float scale) {
    const KernelTable& k = kernels();
    GraphDistance g;
    g.distance = d;
    g.dim = dimension;
    g.kernel = d == Distance::kEuclid ? k.l2_squared_i8 : k.dot_i8;
    g.sign = higher_is_better(d) ? -1.0f : 1.0f;
    g.unit = 1.0f / (scale * scale);
    return g;
  }
  float operator()(const int8_t* a, const int8_t* b) const {
    return sign * float(kernel(a, b, dim));
  }
  float to_score(float ordering_value) const {
    const float value = ordering_value * unit;
    return distance == Distance::kEuclid ? std::sqrt(value) : -value;
  }
};

// Binary-quantized codes (u64 words, see index/quantization/binary_quantizer.hpp): the
// ordering value is the Hamming distance, whatever the index's Distance. Scores come from
// rescoring, or from to_score's estimate: the fraction of differing bits read as an angle
// (random-hyperplane hashing), so cos(pi * hamming / bits) for Cosine/Dot, the chord of that
// angle between unit vectors for Euclid, and the raw Hamming distance for Manhattan.
template <>
struct GraphDistance<uint64_t> {
  using Element = uint64_t;
  using Query = uint64_t;
  uint32_t (*kernel)(const uint64_t*, const uint64_t*, size_t) = nullptr;
  Distance distance = Distance::kCosine;
  size_t words = 0;
  uint32_t bits = 1;

  static GraphDistance make(Distance d, size_t words_per_vector, uint32_t bits_per_vector) {
    GraphDistance g;
    g.kernel = kernels().hamming_u64;
    g.distance = d;
    g.words = words_per_vector;
    g.bits = bits_per_vector == 0 ? 1 : bits_per_vector;
    return g;
  }
  float operator()(const uint64_t* a, const uint64_t* b) const {
    return float(kernel(a, b, words));
  }
  float to_score(float hamming) const {
    if (distance == Distance::kManhattan) return hamming;
    const float cosine = std::cos(std::numbers::pi_v<float> * hamming / float(bits));
    if (distance == Distance::kEuclid) return std::sqrt(std::max(0.0f, 2.0f - 2.0f * cosine));
    return cosine;
  }
};

// The query in the index's element type (float16 rounds, uint8 rounds and clamps to 0..255).
template <typename T>
std::vector<T> convert_query(const float* query, size_t dim) {
  std::vector<T> out(dim);
  for (size_t i = 0; i < dim; ++i) {
    if constexpr (std::is_same_v<T, float>) {
      out[i] = query[i];
    } else if constexpr (std::is_same_v<T, uint16_t>) {
      out[i] = float_to_half(query[i]);
    } else {
      const float v = std::nearbyint(query[i]);
      out[i] = uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
  return out;
}

}  // namespace sextant::index
