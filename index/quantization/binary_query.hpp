// Asymmetric queries on one_bit binary codes, Qdrant's `query_encoding: scalar4bits` and
// `scalar8bits`: the stored vectors keep one sign bit per component (s_i = +1 if the bit is set,
// -1 otherwise) but the query keeps 4 or 8 bits per component, so the walk orders by an estimate
// of the dot product q . s instead of a Hamming distance between two sign strings. That costs
// bits + 1 popcount passes per candidate instead of one, and ranks candidates much better.
//
// The query is quantized linearly: q_i ~ low + step * level_i, level_i in [0, 2^bits - 1], and
// its levels are split in bit planes P_0..P_{bits-1}. With |c| the set bits of a code c and
// H the Hamming distance, sum_i P_p,i * s_i = |c| - H(P_p, c), hence
//   q . s ~ low * (2|c| - dim) + step * ((2^bits - 1) |c| - sum_p 2^p H(P_p, c)).
// Everything runs on the dispatched `hamming_u64` kernel (|c| = H(c, 0)).
//
// Layout of the encoded query (`words` u64 per plane): plane 0 .. plane bits-1, then one plane
// of zeros. The walk orders by -(q . s) for every Distance: |s| is the same for all codes, so
// for Euclid this is the order of |q - s| too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "index/distance/distance.hpp"

namespace sextant::index {

struct BinaryAsymmetricDistance {
  using Element = uint64_t;
  using Query = uint64_t;
  uint32_t (*kernel)(const uint64_t*, const uint64_t*, size_t) = nullptr;
  Distance distance = Distance::kCosine;
  size_t words = 0;
  uint32_t dim = 0;
  uint32_t bits = 8;
  float low = 0;
  float step = 0;

  // Fills `planes` with the encoded query (layout above) and returns its distance.
  static BinaryAsymmetricDistance encode(Distance distance, const float* query, uint32_t dim,
                                         size_t words, uint32_t bits,
                                         std::vector<uint64_t>& planes) {
    BinaryAsymmetricDistance d;
    d.kernel = kernels().hamming_u64;
    d.distance = distance;
    d.words = words;
    d.dim = dim;
    d.bits = bits;
    const auto [min_it, max_it] = std::minmax_element(query, query + dim);
    d.low = dim > 0 ? *min_it : 0.0f;
    const float levels = float((1u << bits) - 1);
    d.step = dim > 0 && *max_it > *min_it ? (*max_it - *min_it) / levels : 0.0f;
    planes.assign((bits + 1) * words, 0);
    for (uint32_t i = 0; i < dim; ++i) {
      const uint32_t level =
          d.step > 0
              ? uint32_t(std::clamp(std::nearbyint((query[i] - d.low) / d.step), 0.0f, levels))
              : 0;
      for (uint32_t p = 0; p < bits; ++p)
        if ((level >> p) & 1) planes[p * words + (i >> 6)] |= uint64_t(1) << (i & 63);
    }
    return d;
  }

  // The estimate of q . s for one code.
  float dot_estimate(const uint64_t* planes, const uint64_t* code) const {
    const float set_bits = float(kernel(code, planes + size_t(bits) * words, words));
    float weighted = 0;
    for (uint32_t p = 0; p < bits; ++p)
      weighted += float(1u << p) * float(kernel(planes + size_t(p) * words, code, words));
    return low * (2 * set_bits - float(dim)) +
           step * (float((1u << bits) - 1) * set_bits - weighted);
  }
  float operator()(const uint64_t* planes, const uint64_t* code) const {
    return -dot_estimate(planes, code);
  }
  // A rough score when results are not rescored: the estimate against s / sqrt(dim), a unit
  // vector (so a cosine-like value for Cosine/Dot, the matching chord for Euclid).
  float to_score(float ordering_value) const {
    const float cosine = -ordering_value / std::sqrt(float(std::max<uint32_t>(dim, 1)));
    if (distance == Distance::kEuclid) return std::sqrt(std::max(0.0f, 2.0f - 2.0f * cosine));
    return cosine;
  }
};

}  // namespace sextant::index
