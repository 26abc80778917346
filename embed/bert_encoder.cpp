// Layer arithmetic, in PyTorch's order so rounding stays close to the reference:
//   qkv = x Wqkv^T + b;  per head: softmax(q k^T / sqrt(d)) v;  a = LN(x + ctx Wo^T + bo);
//   y = LN(a + gelu(a W1^T + b1) W2^T + b2).
// Residuals are accumulated by the GEMM itself (beta = 1 on a copy of the input).
#include "embed/bert_encoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "embed/blas_gemm.hpp"
#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {

BertEncoder::BertEncoder(ModelConfig config, std::unique_ptr<BertWeights> weights,
                         DenseProducts dense_products, Precision precision,
                         Int8Options int8_options)
    : config_(config),
      weights_(std::move(weights)),
      dense_products_(dense_products),
      precision_(precision),
      int8_options_(int8_options) {
  if (precision_ != Precision::kInt8) return;
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  const size_t inner = static_cast<size_t>(config_.intermediate_size);
  quantized_layers_.reserve(weights_->layers.size());
  for (const auto& layer : weights_->layers) {
    quantized_layers_.push_back({QuantizedWeights(layer.qkv_weight.data(), 3 * hidden, hidden),
                                 QuantizedWeights(layer.attention_output_weight, hidden, hidden),
                                 QuantizedWeights(layer.intermediate_weight, inner, hidden),
                                 QuantizedWeights(layer.output_weight, hidden, inner)});
  }
  // The float products' packed copies are not used by int8 products: freed, they no longer
  // hold ~4 bytes per weight of the process's memory.
  for (auto& layer : weights_->layers) {
    layer.qkv_packed = PackedWeights();
    layer.attention_output_packed = PackedWeights();
    layer.intermediate_packed = PackedWeights();
    if (!int8_options_.float_ffn_down) layer.output_packed = PackedWeights();
  }
  // Reading every weight to quantise it made the whole file resident; from now on only the
  // embedding rows of the tokens seen and the few outlier columns are read from it.
  weights_->file->release_resident_pages();
}

size_t BertEncoder::split_outliers(size_t m, size_t k, const float* x, const float* raw_weight,
                                   const QuantizedWeights& quantized, EncoderWorkspace& ws) const {
  const float threshold = int8_options_.outlier_threshold;
  if (threshold <= 0.0f) return 0;
  ws.outlier_flags.assign(k, 0);
  uint8_t* flags = ws.outlier_flags.data();
  for (size_t row = 0; row < m; ++row) {
    const float* values = x + row * k;
    for (size_t i = 0; i < k; ++i)
      flags[i] |= static_cast<uint8_t>(std::fabs(values[i]) > threshold);
  }
  ws.outlier_channels.clear();
  for (size_t i = 0; i < k; ++i) {
    if (flags[i]) ws.outlier_channels.push_back(static_cast<uint32_t>(i));
  }
  const size_t count = ws.outlier_channels.size();
  if (count == 0) return 0;
  if (ws.inlier_input.size() < m * k) ws.inlier_input.resize(m * k);
  if (ws.outlier_values.size() < m * count) ws.outlier_values.resize(m * count);
  ws.outlier_weights.resize(count);
  std::memcpy(ws.inlier_input.data(), x, sizeof(float) * m * k);
  for (size_t row = 0; row < m; ++row) {
    float* inliers = ws.inlier_input.data() + row * k;
    for (size_t j = 0; j < count; ++j) {
      const uint32_t channel = ws.outlier_channels[j];
      ws.outlier_values[row * count + j] = inliers[channel];
      inliers[channel] = 0.0f;
    }
  }
  for (size_t j = 0; j < count; ++j) {
    ws.outlier_weights[j] = quantized.float_column(ws.outlier_channels[j], raw_weight);
  }
  return count;
}

bool BertEncoder::splits(const EncoderWorkspace& ws, size_t rows) {
  return ws.fork_join != nullptr && rows <= kSplitMaxRows;
}

void BertEncoder::dense(size_t m, const float* x, const float* raw_weight,
                        const PackedWeights& packed, const QuantizedWeights* quantized, float* out,
                        EncoderWorkspace& ws) const {
  const size_t n = quantized ? quantized->out_features() : packed.out_features();
  const size_t k = quantized ? quantized->in_features() : packed.in_features();
  // A split batch computes the first `half` output columns in one part and the rest in the
  // other (a multiple of 64 columns, the int8 kernel's block).
  const size_t half = std::min(n, (n / 2 + 63) / 64 * 64);
  const bool split = splits(ws, m) && half < n;
  if (quantized) {
    const VectorKernels& kernels = vector_kernels();
    const size_t kp = quantized->padded_in_features();
    if (ws.quantized.size() < m * kp) ws.quantized.resize(m * kp);
    if (ws.row_scales.size() < m) ws.row_scales.resize(m);
    const size_t outliers = split_outliers(m, k, x, raw_weight, *quantized, ws);
    kernels.quantize_rows(m, k, outliers ? ws.inlier_input.data() : x, k, ws.quantized.data(), kp,
                          ws.row_scales.data());
    // The outlier channels' share, in float: out[r] += sum_j value[r][j] * W[:, channel_j].
    for (size_t row = 0; row < m && outliers; ++row) {
      float* target = out + row * n;
      for (size_t j = 0; j < outliers; ++j) {
        const float value = ws.outlier_values[row * outliers + j];
        const float* column = ws.outlier_weights[j];
        for (size_t c = 0; c < n; ++c) target[c] += value * column[c];
      }
    }
    auto columns = [&](size_t part) {
      const size_t first = split && part == 1 ? half : 0;
      const size_t count = split ? (part == 0 ? half : n - half) : n;
      kernels.gemm_int8(m, count, kp, ws.quantized.data(), kp, ws.row_scales.data(),
                        quantized->data() + first * kp, quantized->sums() + first,
                        quantized->scales() + first, out + first, n);
    };
    if (split) {
      ws.fork_join->run(2, columns);
    } else {
      columns(0);
    }
    return;
  }
  if (split && dense_products_ != DenseProducts::kBlas) {
    ws.fork_join->run(2, [&](size_t part) {
      const size_t first = part == 1 ? half : 0;
      vector_kernels().gemm_packed(m, part == 0 ? half : n - half, k, x, k,
                                   packed.data() + first * k, out + first, n);
    });
    return;
  }
  if (dense_products_ == DenseProducts::kBlas ||
      (dense_products_ == DenseProducts::kAuto && m >= kBlasMinRows)) {
    gemm_a_bt(m, n, k, 1.0f, x, k, raw_weight, k, 1.0f, out, n);
  } else {
    vector_kernels().gemm_packed(m, n, k, x, k, packed.data(), out, n);
  }
}

void BertEncoder::embed_tokens(std::span<const std::span<const int32_t>> sequences,
                               float* out) const {
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  const VectorKernels& kernels = vector_kernels();
  const float* type_row = weights_->token_type_embeddings;  // single-segment input: type 0
  for (const auto& sequence : sequences) {
    for (size_t position = 0; position < sequence.size(); ++position) {
      int32_t id = std::clamp(sequence[position], 0, config_.vocab_size - 1);
      const float* word = weights_->word_embeddings + static_cast<size_t>(id) * hidden;
      const float* place = weights_->position_embeddings + position * hidden;
      for (size_t i = 0; i < hidden; ++i) out[i] = word[i] + place[i];
      kernels.bias_layer_norm(out, type_row, weights_->embedding_norm_gamma,
                              weights_->embedding_norm_beta, hidden, config_.layer_norm_eps);
      out += hidden;
    }
  }
}

void BertEncoder::run_layer(const BertLayerWeights& layer,
                            std::span<const std::span<const int32_t>> sequences,
                            size_t total_tokens, EncoderWorkspace& ws) const {
  const QuantizedLayer* q =
      quantized_layers_.empty()
          ? nullptr
          : &quantized_layers_[static_cast<size_t>(&layer - weights_->layers.data())];
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  const size_t heads = static_cast<size_t>(config_.attention_heads);
  const size_t head_dim = hidden / heads;
  const size_t qkv_width = 3 * hidden;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const VectorKernels& kernels = vector_kernels();
  float* x = ws.hidden_states.data();

  // Fused Q, K, V projection: bias rows first, then accumulate the product.
  float* qkv = ws.qkv.data();
  for (size_t t = 0; t < total_tokens; ++t) {
    std::memcpy(qkv + t * qkv_width, layer.qkv_bias.data(), sizeof(float) * qkv_width);
  }
  dense(total_tokens, x, layer.qkv_weight.data(), layer.qkv_packed, q ? &q->qkv : nullptr, qkv, ws);

  // Self-attention per sequence and head, over that sequence's tokens only; a split batch gives
  // each part half of the heads (and its own scores buffer).
  const size_t parts = splits(ws, total_tokens) ? 2 : 1;
  const size_t scores_size = ws.scores.size() / 2;
  auto attend = [&](size_t part) {
    float* scores = ws.scores.data() + part * scores_size;
    size_t offset = 0;
    for (const auto& sequence : sequences) {
      const size_t length = sequence.size();
      for (size_t head = part * heads / parts; head < (part + 1) * heads / parts; ++head) {
        const float* q = qkv + offset * qkv_width + head * head_dim;
        const float* k = q + hidden;
        const float* v = q + 2 * hidden;
        gemm_a_bt(length, length, head_dim, scale, q, qkv_width, k, qkv_width, 0.0f, scores,
                  length);
        for (size_t row = 0; row < length; ++row) kernels.softmax(scores + row * length, length);
        gemm_a_b(length, head_dim, length, 1.0f, scores, length, v, qkv_width, 0.0f,
                 ws.context.data() + offset * hidden + head * head_dim, hidden);
      }
      offset += length;
    }
  };
  if (parts == 2) {
    ws.fork_join->run(2, attend);
  } else {
    attend(0);
  }

  // The rest of the layer is per token: with int8 precision it runs in chunks of kTokenChunk
  // tokens so the intermediate activations stay in cache.
  const size_t chunk = precision_ == Precision::kInt8 ? kTokenChunk : total_tokens;
  for (size_t first = 0; first < total_tokens; first += chunk) {
    const size_t rows = std::min(chunk, total_tokens - first);
    feed_forward(layer, q, first, rows, ws);
  }
}

void BertEncoder::feed_forward(const BertLayerWeights& layer, const QuantizedLayer* q, size_t first,
                               size_t rows, EncoderWorkspace& ws) const {
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  const size_t inner = static_cast<size_t>(config_.intermediate_size);
  const VectorKernels& kernels = vector_kernels();
  float* x = ws.hidden_states.data() + first * hidden;

  // Attention output projection + residual + LayerNorm.
  float* attended = ws.attention_out.data() + first * hidden;
  std::memcpy(attended, x, sizeof(float) * rows * hidden);
  dense(rows, ws.context.data() + first * hidden, layer.attention_output_weight,
        layer.attention_output_packed, q ? &q->attention_output : nullptr, attended, ws);
  for (size_t t = 0; t < rows; ++t) {
    kernels.bias_layer_norm(attended + t * hidden, layer.attention_output_bias,
                            layer.attention_norm_gamma, layer.attention_norm_beta, hidden,
                            config_.layer_norm_eps);
  }

  // Feed-forward: GELU(a W1^T + b1) W2^T + b2 + a, then LayerNorm, written back into x.
  float* inter = ws.intermediate.data();
  std::fill(inter, inter + rows * inner, 0.0f);
  dense(rows, attended, layer.intermediate_weight, layer.intermediate_packed,
        q ? &q->intermediate : nullptr, inter, ws);
  for (size_t t = 0; t < rows; ++t) {
    kernels.bias_gelu(inter + t * inner, layer.intermediate_bias, inner);
  }
  std::memcpy(x, attended, sizeof(float) * rows * hidden);
  dense(rows, inter, layer.output_weight, layer.output_packed,
        q && !int8_options_.float_ffn_down ? &q->output : nullptr, x, ws);
  for (size_t t = 0; t < rows; ++t) {
    kernels.bias_layer_norm(x + t * hidden, layer.output_bias, layer.output_norm_gamma,
                            layer.output_norm_beta, hidden, config_.layer_norm_eps);
  }
}

void BertEncoder::pool(std::span<const std::span<const int32_t>> sequences,
                       const float* hidden_states, float* embeddings, bool l2_normalize) const {
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  for (const auto& sequence : sequences) {
    const size_t length = sequence.size();
    float* out = embeddings;
    if (config_.pooling == Pooling::kCls) {
      std::memcpy(out, hidden_states, sizeof(float) * hidden);
    } else if (config_.pooling == Pooling::kMax) {
      std::memcpy(out, hidden_states, sizeof(float) * hidden);
      for (size_t t = 1; t < length; ++t) {
        for (size_t i = 0; i < hidden; ++i) {
          out[i] = std::max(out[i], hidden_states[t * hidden + i]);
        }
      }
    } else {
      std::fill(out, out + hidden, 0.0f);
      for (size_t t = 0; t < length; ++t) {
        for (size_t i = 0; i < hidden; ++i) out[i] += hidden_states[t * hidden + i];
      }
      const float inverse = 1.0f / static_cast<float>(length);
      for (size_t i = 0; i < hidden; ++i) out[i] *= inverse;
    }
    if (config_.normalize && l2_normalize) {
      float squares = 0.0f;
      for (size_t i = 0; i < hidden; ++i) squares += out[i] * out[i];
      // sentence-transformers divides by max(norm, 1e-12).
      const float inverse_norm = 1.0f / std::max(std::sqrt(squares), 1e-12f);
      for (size_t i = 0; i < hidden; ++i) out[i] *= inverse_norm;
    }
    hidden_states += length * hidden;
    embeddings += hidden;
  }
}

void BertEncoder::encode(std::span<const std::span<const int32_t>> sequences, EncoderWorkspace& ws,
                         float* embeddings, bool l2_normalize) const {
  const size_t hidden = static_cast<size_t>(config_.hidden_size);
  const size_t inner = static_cast<size_t>(config_.intermediate_size);
  size_t total_tokens = 0;
  size_t longest = 0;
  for (const auto& sequence : sequences) {
    total_tokens += sequence.size();
    longest = std::max(longest, sequence.size());
  }
  if (total_tokens == 0) return;
  auto ensure = [](std::vector<float>& buffer, size_t size) {
    if (buffer.size() < size) buffer.resize(size);
  };
  ensure(ws.hidden_states, total_tokens * hidden);
  ensure(ws.qkv, total_tokens * 3 * hidden);
  ensure(ws.context, total_tokens * hidden);
  ensure(ws.attention_out, total_tokens * hidden);
  ensure(ws.intermediate, total_tokens * inner);
  ensure(ws.scores, 2 * longest * longest);  // one buffer per part of a split batch

  embed_tokens(sequences, ws.hidden_states.data());
  for (const auto& layer : weights_->layers) run_layer(layer, sequences, total_tokens, ws);
  pool(sequences, ws.hidden_states.data(), embeddings, l2_normalize);
}

}  // namespace sextant::embed
