// One loaded sentence-transformers model: its configuration, tokenizer and encoder, loaded once
// from a model directory and shared (read-only) by every thread that embeds with it.
//
// encode_batch() runs on the calling thread with the caller's workspace; the batching and thread
// pool live in EmbedService. The model directory's files are only read during load(); the
// weights stay mmapped for the model's lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "embed/bert_encoder.hpp"
#include "embed/model_config.hpp"
#include "embed/wordpiece_tokenizer.hpp"

namespace sextant::embed {

class SentenceModel {
 public:
  // `model_dir` must hold config.json and model.safetensors (see model_locator.hpp to resolve a
  // cache layout first).
  static Result<std::shared_ptr<const SentenceModel>> load(
      const std::string& model_dir, DenseProducts dense_products = DenseProducts::kAuto,
      Precision precision = Precision::kFloat32, Int8Options int8_options = {});

  const WordpieceTokenizer& tokenizer() const { return *tokenizer_; }
  const ModelConfig& config() const { return encoder_->config(); }
  int dimension() const { return encoder_->dimension(); }
  int max_seq_length() const { return config().max_seq_length; }
  const std::string& directory() const { return directory_; }
  Precision precision() const { return encoder_->precision(); }

  // Token ids of `text`, truncated to max_seq_length.
  std::vector<int32_t> tokenize(std::string_view text) const { return tokenizer_->encode(text); }
  // Embeds already-tokenized sequences: `embeddings` receives sequences.size() * dimension().
  void encode_batch(std::span<const std::span<const int32_t>> sequences,
                    EncoderWorkspace& workspace, float* embeddings, bool l2_normalize = true) const;
  void encode_batch(const std::vector<std::vector<int32_t>>& sequences, EncoderWorkspace& workspace,
                    float* embeddings) const;
  // Convenience for tools and tests: tokenize + encode on this thread.
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts) const;

 private:
  SentenceModel() = default;
  std::string directory_;
  std::unique_ptr<WordpieceTokenizer> tokenizer_;
  std::unique_ptr<BertEncoder> encoder_;
};

}  // namespace sextant::embed
