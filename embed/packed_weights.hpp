// A Linear layer's weight re-laid out once at load for the packed product kernel
// (VectorKernels::gemm_packed): panels of 16 output columns, each k rows long, 32-byte aligned.
// Owns its memory; immutable after construction.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace sextant::embed {

class PackedWeights {
 public:
  PackedWeights() = default;
  // `weight` is PyTorch's Linear layout: [out_features x in_features], row-major.
  PackedWeights(const float* weight, size_t out_features, size_t in_features);

  const float* data() const { return data_.get(); }
  size_t out_features() const { return out_features_; }
  size_t in_features() const { return in_features_; }

 private:
  struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float[], FreeDeleter> data_;
  size_t out_features_ = 0;
  size_t in_features_ = 0;
};

}  // namespace sextant::embed
