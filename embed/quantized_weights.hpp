// A Linear layer's weight quantised once at load for the int8 product kernel
// (VectorKernels::gemm_int8): symmetric int8 in [-127, 127] with one float scale per output
// column (max |w| / 127), packed as described in kernels/vector_kernels.hpp, plus each column's
// integer sum (for kernels that offset activations to unsigned bytes). Owns its memory;
// immutable after construction, except for the cache of float input columns below.
//
// Float columns: the encoder multiplies a few outlier input channels in float (bert_encoder.hpp),
// which needs column `channel` of the float weight, [out_features] values at a stride of
// in_features in the original layout. float_column() copies one out contiguously the first time
// it is asked for and keeps it (these channels are nearly always the same few, so the strided
// gather is paid once, not per batch); at most in_features columns, the size of the float
// weight, in the worst case. Thread-safe: concurrent first users may both gather, one copy is
// published and the other freed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace sextant::embed {

class QuantizedWeights {
 public:
  QuantizedWeights() = default;
  // `weight` is PyTorch's Linear layout: [out_features x in_features], row-major; out_features
  // must be a multiple of kPanelWidth.
  QuantizedWeights(const float* weight, size_t out_features, size_t in_features);
  QuantizedWeights(QuantizedWeights&&) = default;
  QuantizedWeights& operator=(QuantizedWeights&&) = default;
  ~QuantizedWeights();

  const int8_t* data() const { return data_.get(); }
  const float* scales() const { return scales_.data(); }
  const int32_t* sums() const { return sums_.data(); }
  size_t out_features() const { return out_features_; }
  size_t in_features() const { return in_features_; }
  // in_features rounded up to the kernel's group of kInt8Group bytes.
  size_t padded_in_features() const { return padded_in_features_; }
  // Column `channel` of `weight` (the same float weight this was built from), contiguous.
  const float* float_column(size_t channel, const float* weight) const;

 private:
  struct FreeDeleter {
    void operator()(int8_t* p) const { std::free(p); }
  };
  std::unique_ptr<int8_t[], FreeDeleter> data_;
  std::vector<float> scales_;
  std::vector<int32_t> sums_;
  size_t out_features_ = 0;
  size_t in_features_ = 0;
  size_t padded_in_features_ = 0;
  // One slot per input channel: null until float_column() first gathers it; owned.
  std::unique_ptr<std::atomic<float*>[]> float_columns_;
};

}  // namespace sextant::embed
