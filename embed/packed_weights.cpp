// Packing is a one-time transpose per panel at model load.
#include "embed/packed_weights.hpp"

#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {

PackedWeights::PackedWeights(const float* weight, size_t out_features, size_t in_features)
    : out_features_(out_features), in_features_(in_features) {
  const size_t panels = (out_features + kPanelWidth - 1) / kPanelWidth;
  const size_t floats = panels * kPanelWidth * in_features;
  data_.reset(
      static_cast<float*>(std::aligned_alloc(64, ((floats * sizeof(float) + 63) / 64) * 64)));
  float* out = data_.get();
  for (size_t panel = 0; panel < panels; ++panel) {
    for (size_t i = 0; i < in_features; ++i) {
      for (size_t j = 0; j < kPanelWidth; ++j) {
        size_t column = panel * kPanelWidth + j;
        *out++ = column < out_features ? weight[column * in_features + i] : 0.0f;
      }
    }
  }
}

}  // namespace sextant::embed
