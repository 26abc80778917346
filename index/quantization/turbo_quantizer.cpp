// TurboQuant rotation, Lloyd-Max levels, encoding and query tables (turbo_quantizer.hpp).
#include "index/quantization/turbo_quantizer.hpp"

#include <algorithm>
#include <limits>
#include <numbers>
#include <random>

#include "index/quantization/parallel_encode.hpp"

namespace sextant::index {
namespace {

constexpr uint32_t kRotationRounds = 3;

// Levels of the minimum-MSE quantizer of N(0, 1) with `count` levels, by Lloyd's iteration on
// the density itself: boundaries are midpoints of neighbouring levels, and each level is the
// mean of N(0, 1) between its boundaries, (pdf(a) - pdf(b)) / (cdf(b) - cdf(a)).
std::vector<float> gaussian_lloyd_max(uint32_t count) {
  auto pdf = [](double t) {
    return std::isinf(t) ? 0.0 : std::exp(-t * t / 2) / std::sqrt(2 * std::numbers::pi);
  };
  auto cdf = [](double t) { return 0.5 * std::erfc(-t / std::sqrt(2.0)); };
  std::vector<double> levels(count), bounds(count + 1);
  for (uint32_t i = 0; i < count; ++i) levels[i] = -2.5 + 5.0 * (i + 0.5) / count;
  bounds.front() = -std::numeric_limits<double>::infinity();
  bounds.back() = std::numeric_limits<double>::infinity();
  for (int round = 0; round < 1000; ++round) {
    for (uint32_t i = 1; i < count; ++i) bounds[i] = (levels[i - 1] + levels[i]) / 2;
    for (uint32_t i = 0; i < count; ++i) {
      const double mass = cdf(bounds[i + 1]) - cdf(bounds[i]);
      if (mass > 1e-300) levels[i] = (pdf(bounds[i]) - pdf(bounds[i + 1])) / mass;
    }
  }
  return {levels.begin(), levels.end()};
}

const std::vector<float>& levels_for(uint32_t bits_per_coordinate) {
  static const std::array<std::vector<float>, 3> tables = {
      gaussian_lloyd_max(2), gaussian_lloyd_max(4), gaussian_lloyd_max(16)};
  return tables[bits_per_coordinate == 1 ? 0 : bits_per_coordinate == 2 ? 1 : 2];
}

uint32_t next_power_of_two(uint32_t value) {
  uint32_t power = 1;
  while (power < value) power <<= 1;
  return power;
}

// In-place unnormalised Walsh-Hadamard transform of `count` (a power of two) values.
void walsh_hadamard(float* values, uint32_t count) {
  for (uint32_t half = 1; half < count; half <<= 1)
    for (uint32_t i = 0; i < count; i += 2 * half)
      for (uint32_t j = i; j < i + half; ++j) {
        const float a = values[j], b = values[j + half];
        values[j] = a + b;
        values[j + half] = a - b;
      }
}

// Index of the level nearest to `value` (levels ascending): the boundaries below it.
uint32_t nearest_level(std::span<const float> levels, float value) {
  uint32_t index = 0;
  while (index + 1 < levels.size() && value > (levels[index] + levels[index + 1]) / 2) ++index;
  return index;
}

}  // namespace

TurboQuantizer::TurboQuantizer(uint32_t dim, TurboBits bits, uint32_t seed)
    : dim_(dim), bits_(bits), seed_(seed) {
  if (dim == 0) return;
  padded_dim_ = next_power_of_two(dim);
  code_dim_ = bits == TurboBits::kBits1_5 ? padded_dim_ + padded_dim_ / 2 : padded_dim_;
  bits_per_coordinate_ = bits == TurboBits::kBits4 ? 4 : bits == TurboBits::kBits2 ? 2 : 1;
  packed_bytes_ = (size_t(code_dim_) * bits_per_coordinate_ + 7) / 8;
  code_bytes_ = (kHeaderBytes + packed_bytes_ + 3) / 4 * 4;
  const uint32_t blocks = (code_dim_ + padded_dim_ - 1) / padded_dim_;
  std::mt19937_64 random(seed);
  signs_.resize(size_t(blocks) * kRotationRounds * padded_dim_);
  for (size_t i = 0; i < signs_.size(); i += 64) {
    const uint64_t word = random();
    for (size_t bit = 0; bit < 64 && i + bit < signs_.size(); ++bit)
      signs_[i + bit] = ((word >> bit) & 1) ? 1.0f : -1.0f;
  }
}

std::span<const float> TurboQuantizer::levels() const { return levels_for(bits_per_coordinate_); }

void TurboQuantizer::rotate_block(const float* vector, uint32_t block, float* out) const {
  std::copy(vector, vector + dim_, out);
  std::fill(out + dim_, out + padded_dim_, 0.0f);
  const float normaliser = 1.0f / std::sqrt(float(padded_dim_));
  for (uint32_t round = 0; round < kRotationRounds; ++round) {
    const float* signs = signs_.data() + (size_t(block) * kRotationRounds + round) * padded_dim_;
    for (uint32_t i = 0; i < padded_dim_; ++i) out[i] *= signs[i];
    walsh_hadamard(out, padded_dim_);
    for (uint32_t i = 0; i < padded_dim_; ++i) out[i] *= normaliser;
  }
}

void TurboQuantizer::rotate(const float* vector, float* rotated) const {
  rotate_block(vector, 0, rotated);
  if (code_dim_ == padded_dim_) return;
  thread_local std::vector<float> second;
  second.resize(padded_dim_);
  rotate_block(vector, 1, second.data());
  std::copy(second.begin(), second.begin() + (code_dim_ - padded_dim_), rotated + padded_dim_);
}

void TurboQuantizer::encode(const float* vector, uint8_t* code) const {
  thread_local std::vector<float> rotated;
  rotated.resize(code_dim_);
  rotate(vector, rotated.data());
  double squared_norm = 0;
  for (uint32_t i = 0; i < dim_; ++i) squared_norm += double(vector[i]) * vector[i];
  const auto table = levels();
  // Rotated coordinates of a vector of norm r are about N(0, r^2 / P): rescale to N(0, 1).
  const float to_unit =
      squared_norm > 0 ? float(std::sqrt(double(padded_dim_) / squared_norm)) : 0.0f;
  uint8_t* packed = code + kHeaderBytes;
  std::fill(packed, code + code_bytes_, uint8_t(0));
  double quantized_dot = 0;  // sum of level(c_j) * rotated_j
  for (uint32_t j = 0; j < code_dim_; ++j) {
    const uint32_t level = nearest_level(table, rotated[j] * to_unit);
    quantized_dot += double(table[level]) * rotated[j];
    const size_t bit = size_t(j) * bits_per_coordinate_;
    packed[bit / 8] |= uint8_t(level << (bit % 8));
  }
  const float scale = quantized_dot > 0 ? float(squared_norm / quantized_dot) : 0.0f;
  const float norm_value = float(squared_norm);
  std::memcpy(code, &scale, 4);
  std::memcpy(code + 4, &norm_value, 4);
}

float TurboQuantizer::fill_table(const float* query, float* table) const {
  thread_local std::vector<float> rotated;
  rotated.resize(code_dim_);
  rotate(query, rotated.data());
  const auto levels_table = levels();
  const uint32_t per_group = 4 / bits_per_coordinate_;
  const uint32_t mask = (1u << bits_per_coordinate_) - 1;
  const size_t groups = packed_bytes_ * 2;
  for (size_t group = 0; group < groups; ++group) {
    float* entries = table + group * kTableGroup;
    for (uint32_t value = 0; value < kTableGroup; ++value) {
      float sum = 0;
      for (uint32_t c = 0; c < per_group; ++c) {
        const size_t coordinate = group * per_group + c;
        if (coordinate >= code_dim_) break;
        sum += levels_table[(value >> (c * bits_per_coordinate_)) & mask] * rotated[coordinate];
      }
      entries[value] = sum;
    }
  }
  double squared_norm = 0;
  for (uint32_t i = 0; i < dim_; ++i) squared_norm += double(query[i]) * query[i];
  return float(squared_norm);
}

float TurboQuantizer::estimate_dot(const float* table, const uint8_t* code) const {
  float scale;
  std::memcpy(&scale, code, 4);
  return scale * turbo_table_sum(table, code + kHeaderBytes, packed_bytes_);
}

void TurboVectors::reserve(uint32_t capacity) {
  const size_t bytes = size_t(capacity) * quantizer_.code_bytes();
  if (bytes > codes_.size()) codes_.resize(bytes, 0);
}

void TurboVectors::encode_all(std::span<const uint32_t> offsets, const VectorSource& source,
                              unsigned threads) {
  encode_offsets(*this, offsets, source, threads);
}

}  // namespace sextant::index
