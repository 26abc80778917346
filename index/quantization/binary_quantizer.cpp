// Binary quantizer training and encoding (binary_quantizer.hpp).
#include "index/quantization/binary_quantizer.hpp"

#include <algorithm>
#include <cmath>

#include "index/quantization/parallel_encode.hpp"

namespace sextant::index {
namespace {

// z-scores splitting a normal distribution in three equally likely levels.
constexpr double kLevelBoundary = 0.4307;

void set_bit(uint64_t* code, size_t bit) { code[bit >> 6] |= uint64_t(1) << (bit & 63); }

}  // namespace

BinaryQuantizer::BinaryQuantizer(BinaryEncoding encoding, uint32_t dim, std::vector<float> means,
                                 std::vector<float> deviations)
    : encoding_(encoding), dim_(dim), means_(std::move(means)), deviations_(std::move(deviations)) {
  if (encoding_ == BinaryEncoding::kOneBit || means_.size() != dim_ || deviations_.size() != dim_) {
    means_.clear();
    deviations_.clear();
  }
}

BinaryQuantizer BinaryQuantizer::train(BinaryEncoding encoding, const VectorSource& source,
                                       std::span<const uint32_t> sample) {
  if (encoding == BinaryEncoding::kOneBit || sample.empty())
    return BinaryQuantizer(encoding, source.dim);
  std::vector<double> sum(source.dim, 0.0), sum_squares(source.dim, 0.0);
  for (uint32_t offset : sample) {
    const float* v = source.vector(offset);
    for (uint32_t i = 0; i < source.dim; ++i) {
      sum[i] += v[i];
      sum_squares[i] += double(v[i]) * v[i];
    }
  }
  std::vector<float> means(source.dim), deviations(source.dim);
  const double n = double(sample.size());
  for (uint32_t i = 0; i < source.dim; ++i) {
    const double mean = sum[i] / n;
    means[i] = float(mean);
    deviations[i] = float(std::sqrt(std::max(0.0, sum_squares[i] / n - mean * mean)));
  }
  return BinaryQuantizer(encoding, source.dim, std::move(means), std::move(deviations));
}

uint32_t BinaryQuantizer::bits_per_vector() const {
  switch (encoding_) {
    case BinaryEncoding::kOneBit:
      return dim_;
    case BinaryEncoding::kTwoBits:
      return 2 * dim_;
    case BinaryEncoding::kOneAndHalfBits:
      return dim_ + (dim_ + 1) / 2;
  }
  return dim_;
}

int BinaryQuantizer::level(size_t i, float value) const {
  // Without statistics (or a constant component) only the sign is known: low or high.
  if (means_.empty() || !(deviations_[i] > 1e-12f)) return value > 0 ? 2 : 0;
  const double z = (double(value) - means_[i]) / deviations_[i];
  return z < -kLevelBoundary ? 0 : z < kLevelBoundary ? 1 : 2;
}

void BinaryQuantizer::encode(const float* vector, uint64_t* code) const {
  std::fill(code, code + words_per_vector(), uint64_t(0));
  if (encoding_ == BinaryEncoding::kOneBit) {
    for (size_t i = 0; i < dim_; ++i)
      if (vector[i] > 0) set_bit(code, i);
    return;
  }
  for (size_t i = 0; i < dim_; ++i) {
    const int l = level(i, vector[i]);
    if (l >= 1) set_bit(code, i);
    if (l == 2) set_bit(code, encoding_ == BinaryEncoding::kTwoBits ? dim_ + i : dim_ + i / 2);
  }
}

void BinaryVectors::reserve(uint32_t capacity) {
  if (size_t(capacity) * words_ > codes_.size()) codes_.resize(size_t(capacity) * words_, 0);
}

void BinaryVectors::encode_all(std::span<const uint32_t> offsets, const VectorSource& source,
                               unsigned threads) {
  encode_offsets(*this, offsets, source, threads);
}

}  // namespace sextant::index
