// The forward pass of a BERT sentence encoder: embeddings, post-LayerNorm transformer layers with
// exact-erf GELU, pooling (mean over the real tokens, [CLS], or max) and optional L2
// normalisation, as sentence-transformers computes it.
//
// Batches are packed, not padded: the token rows of all sequences are stacked into one
// [total_tokens x hidden] matrix for every dense product, and attention runs per sequence over its
// own length. This is exactly what an attention mask over a padded batch computes, without
// spending work on padding.
//
// Precision::kInt8 runs the four dense products of every layer on int8 weights (per output
// column scales, see quantized_weights.hpp) and int8 activations quantised per token row at each
// product; embeddings, attention (scores, softmax, context), GELU and LayerNorm stay float.
// Per-token scales lose the small values of a row to its largest one, and the inputs of these
// products carry a few channels far larger than the rest (LayerNorm outputs and, most of all, the
// GELU output fed to the FFN down projection). Int8Options::outlier_threshold splits them off as
// LLM.int8() does: the channels where any row of the batch exceeds the threshold are taken out
// of the int8 product (zeroed before quantising, so they no longer set the row scale) and
// multiplied in float against the same columns of the float weight.
//
// Thread safety: encode() is const and may run concurrently on several threads, each with its
// own EncoderWorkspace. The encoder must outlive those calls (it borrows the weights).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "embed/bert_weights.hpp"
#include "embed/fork_join.hpp"
#include "embed/model_config.hpp"
#include "embed/quantized_weights.hpp"

namespace sextant::embed {

// Scratch buffers reused across calls on one thread; grows to the largest batch seen.
struct EncoderWorkspace {
  std::vector<float> hidden_states;  // [tokens x hidden]
  std::vector<float> qkv;            // [tokens x 3*hidden]
  std::vector<float> context;        // [tokens x hidden]
  std::vector<float> attention_out;  // [tokens x hidden]
  std::vector<float> intermediate;   // [tokens x intermediate]
  std::vector<float> scores;         // [max_len x max_len]
  std::vector<int8_t> quantized;     // [tokens x padded k], int8 precision only
  std::vector<float> row_scales;     // [tokens], int8 precision only
  // Outlier channels of the current int8 product (see Int8Options), int8 precision only.
  std::vector<uint8_t> outlier_flags;         // [k]
  std::vector<uint32_t> outlier_channels;     // the flagged channels, ascending
  std::vector<float> inlier_input;            // [tokens x k]: the input with outliers zeroed
  std::vector<float> outlier_values;          // [tokens x outliers]
  std::vector<const float*> outlier_weights;  // [outliers]: the float weight's columns
  // When set, batches of at most kSplitMaxRows tokens run each dense product in two halves of
  // columns and attention in two halves of heads, one on the caller and one on the helper.
  ForkJoin* fork_join = nullptr;
};

// How the four dense products of each layer are computed. kPackedKernels uses the dispatched
// SIMD kernel on weights packed at load; kBlas calls OpenBLAS, which re-packs the weights on every
// call (costly for short batches, slightly faster for long ones). kAuto (the default) takes the
// packed kernel below kBlasMinRows token rows and OpenBLAS from there on: the crossover measured
// with bench/embed (packed ~1.5x faster at 16 rows, even at 64, OpenBLAS ~1.1x faster at 256).
enum class DenseProducts { kAuto, kPackedKernels, kBlas };
inline constexpr size_t kBlasMinRows = 128;
// Batches of at most this many tokens may be split over two cores (EncoderWorkspace::fork_join).
inline constexpr size_t kSplitMaxRows = 64;

// The arithmetic of the dense products (see the file comment).
enum class Precision { kFloat32, kInt8 };

// Tuning of Precision::kInt8 (see the file comment); ignored for kFloat32.
struct Int8Options {
  // Input channels with |x| above this in any row of a batch are multiplied in float; 0 keeps
  // every channel in int8. The default holds cosine >= 0.995 to float32 on every sentence of
  // both reference sets (docs/embeddings.md has the figures).
  float outlier_threshold = 6.0f;
  // Keeps the FFN down projection (the GELU output's product) in float32 altogether.
  bool float_ffn_down = false;
};

class BertEncoder {
 public:
  BertEncoder(ModelConfig config, std::unique_ptr<BertWeights> weights,
              DenseProducts dense_products = DenseProducts::kAuto,
              Precision precision = Precision::kFloat32, Int8Options int8_options = {});

  // Writes one embedding of hidden_size floats per sequence into `embeddings` (row-major).
  // Each sequence is 1..max_seq_length token ids, already including [CLS] and [SEP].
  // `l2_normalize` applies the model's Normalize module (when it has one); false leaves the
  // pooled vectors as they are.
  void encode(std::span<const std::span<const int32_t>> sequences, EncoderWorkspace& workspace,
              float* embeddings, bool l2_normalize = true) const;

  const ModelConfig& config() const { return config_; }
  int dimension() const { return config_.hidden_size; }
  Precision precision() const { return precision_; }
  const Int8Options& int8_options() const { return int8_options_; }

 private:
  void embed_tokens(std::span<const std::span<const int32_t>> sequences, float* out) const;
  void run_layer(const BertLayerWeights& layer, std::span<const std::span<const int32_t>> sequences,
                 size_t total_tokens, EncoderWorkspace& workspace) const;
  void pool(std::span<const std::span<const int32_t>> sequences, const float* hidden_states,
            float* embeddings, bool l2_normalize) const;

  // The int8 copies of one layer's four products (int8 precision only).
  struct QuantizedLayer {
    QuantizedWeights qkv;
    QuantizedWeights attention_output;
    QuantizedWeights intermediate;
    QuantizedWeights output;
  };
  static constexpr size_t kTokenChunk = 64;

  // Whether a product over `rows` token rows is split across workspace.fork_join.
  static bool splits(const EncoderWorkspace& workspace, size_t rows);

  // Attention output projection, LayerNorm and the feed-forward block for tokens
  // [first, first + rows) of the batch.
  void feed_forward(const BertLayerWeights& layer, const QuantizedLayer* quantized, size_t first,
                    size_t rows, EncoderWorkspace& workspace) const;
  // out[m x n] += x[m x k] * W^T, through the chosen backend; on int8 weights when `quantized`
  // is given.
  void dense(size_t m, const float* x, const float* raw_weight, const PackedWeights& packed,
             const QuantizedWeights* quantized, float* out, EncoderWorkspace& workspace) const;
  // Flags the outlier channels of x[m x k] (see Int8Options) and, when there are any, fills the
  // workspace's inlier input, outlier values and weight columns; returns how many there are.
  size_t split_outliers(size_t m, size_t k, const float* x, const float* raw_weight,
                        const QuantizedWeights& quantized, EncoderWorkspace& workspace) const;

  ModelConfig config_;
  std::unique_ptr<BertWeights> weights_;
  DenseProducts dense_products_;
  Precision precision_;
  Int8Options int8_options_;
  std::vector<QuantizedLayer> quantized_layers_;
};

}  // namespace sextant::embed
