// Quantisation and packing are a one-time pass per weight at model load.
#include "embed/quantized_weights.hpp"

#include <algorithm>
#include <cmath>

#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {

QuantizedWeights::QuantizedWeights(const float* weight, size_t out_features, size_t in_features)
    : scales_(out_features),
      sums_(out_features),
      out_features_(out_features),
      in_features_(in_features),
      padded_in_features_((in_features + kInt8Group - 1) / kInt8Group * kInt8Group),
      float_columns_(new std::atomic<float*>[in_features]) {
  for (size_t i = 0; i < in_features; ++i) float_columns_[i].store(nullptr);
  std::vector<int8_t> rows(out_features * padded_in_features_, 0);
  for (size_t column = 0; column < out_features; ++column) {
    const float* source = weight + column * in_features;
    float largest = 0.0f;
    for (size_t i = 0; i < in_features; ++i) largest = std::max(largest, std::fabs(source[i]));
    const float inverse = largest > 0.0f ? 127.0f / largest : 1.0f;
    scales_[column] = largest > 0.0f ? largest / 127.0f : 1.0f;
    int32_t sum = 0;
    for (size_t i = 0; i < in_features; ++i) {
      const int8_t value =
          static_cast<int8_t>(std::clamp(std::nearbyint(source[i] * inverse), -127.0f, 127.0f));
      rows[column * padded_in_features_ + i] = value;
      sum += value;
    }
    sums_[column] = sum;
  }
  // Panel p, group g: 16 columns x kInt8Group bytes, column-major within the group.
  const size_t bytes = out_features * padded_in_features_;
  data_.reset(static_cast<int8_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
  int8_t* out = data_.get();
  for (size_t panel = 0; panel < out_features / kPanelWidth; ++panel) {
    for (size_t group = 0; group < padded_in_features_ / kInt8Group; ++group) {
      for (size_t j = 0; j < kPanelWidth; ++j) {
        const int8_t* source =
            rows.data() + (panel * kPanelWidth + j) * padded_in_features_ + group * kInt8Group;
        for (size_t i = 0; i < kInt8Group; ++i) *out++ = source[i];
      }
    }
  }
}

QuantizedWeights::~QuantizedWeights() {
  if (!float_columns_) return;
  for (size_t i = 0; i < in_features_; ++i) delete[] float_columns_[i].load();
}

const float* QuantizedWeights::float_column(size_t channel, const float* weight) const {
  std::atomic<float*>& slot = float_columns_[channel];
  if (float* column = slot.load(std::memory_order_acquire)) return column;
  float* gathered = new float[out_features_];
  for (size_t c = 0; c < out_features_; ++c) gathered[c] = weight[c * in_features_ + channel];
  float* expected = nullptr;
  if (slot.compare_exchange_strong(expected, gathered, std::memory_order_acq_rel)) return gathered;
  delete[] gathered;  // another thread published the same column first
  return expected;
}

}  // namespace sextant::embed
