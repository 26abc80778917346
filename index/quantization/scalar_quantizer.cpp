// Scalar quantizer training and encoding (scalar_quantizer.hpp).
#include "index/quantization/scalar_quantizer.hpp"

#include <algorithm>
#include <cmath>

#include "index/quantization/parallel_encode.hpp"

namespace sextant::index {

ScalarQuantizer ScalarQuantizer::train(const VectorSource& source, std::span<const uint32_t> sample,
                                       float quantile) {
  std::vector<float> magnitudes;
  magnitudes.reserve(sample.size() * source.dim);
  for (uint32_t offset : sample) {
    const float* v = source.vector(offset);
    for (uint32_t i = 0; i < source.dim; ++i) magnitudes.push_back(std::fabs(v[i]));
  }
  if (magnitudes.empty()) return ScalarQuantizer();
  quantile = std::clamp(quantile, 0.5f, 1.0f);
  const size_t at = std::min(magnitudes.size() - 1, size_t(double(quantile) * magnitudes.size()));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + at, magnitudes.end());
  const float limit = magnitudes[at];
  return ScalarQuantizer(limit > 0 && std::isfinite(limit) ? 127.0f / limit : 127.0f);
}

void ScalarQuantizer::encode(const float* vector, size_t dim, int8_t* code) const {
  for (size_t i = 0; i < dim; ++i) {
    const float scaled = std::nearbyint(vector[i] * scale_);
    code[i] = int8_t(std::clamp(scaled, -127.0f, 127.0f));
  }
}

void QuantizedVectors::reserve(uint32_t capacity) {
  if (size_t(capacity) * dim_ > codes_.size()) codes_.resize(size_t(capacity) * dim_, 0);
}

void QuantizedVectors::encode_all(std::span<const uint32_t> offsets, const VectorSource& source,
                                  unsigned threads) {
  encode_offsets(*this, offsets, source, threads);
}

}  // namespace sextant::index
