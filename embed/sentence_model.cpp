// Loading validates everything up front, so a model that loads can always encode.
#include "embed/sentence_model.hpp"

#include <filesystem>
#include <span>

namespace sextant::embed {

Result<std::shared_ptr<const SentenceModel>> SentenceModel::load(const std::string& model_dir,
                                                                 DenseProducts dense_products,
                                                                 Precision precision,
                                                                 Int8Options int8_options) {
  auto config = load_model_config(model_dir);
  if (!config) return config.error();
  BertNormalizerOptions normalizer;
  normalizer.lowercase = config->do_lower_case;
  normalizer.strip_accents = config->strip_accents;
  normalizer.handle_chinese_chars = config->tokenize_chinese_chars;
  auto tokenizer = WordpieceTokenizer::load(model_dir, normalizer, config->max_seq_length);
  if (!tokenizer) return tokenizer.error();
  std::string weights_path = (std::filesystem::path(model_dir) / "model.safetensors").string();
  auto weights = BertWeights::load(weights_path, *config);
  if (!weights) return weights.error();
  if ((*tokenizer)->vocab_size() > static_cast<size_t>(config->vocab_size)) {
    return Error::corrupted(model_dir +
                            ": tokenizer vocabulary is larger than the embedding table");
  }
  std::shared_ptr<SentenceModel> model(new SentenceModel());
  model->directory_ = model_dir;
  model->tokenizer_ = std::move(*tokenizer);
  model->encoder_ = std::make_unique<BertEncoder>(*config, std::move(*weights), dense_products,
                                                  precision, int8_options);
  return std::shared_ptr<const SentenceModel>(std::move(model));
}

void SentenceModel::encode_batch(std::span<const std::span<const int32_t>> sequences,
                                 EncoderWorkspace& workspace, float* embeddings,
                                 bool l2_normalize) const {
  encoder_->encode(sequences, workspace, embeddings, l2_normalize);
}

void SentenceModel::encode_batch(const std::vector<std::vector<int32_t>>& sequences,
                                 EncoderWorkspace& workspace, float* embeddings) const {
  std::vector<std::span<const int32_t>> views(sequences.begin(), sequences.end());
  encoder_->encode(views, workspace, embeddings, true);
}

std::vector<std::vector<float>> SentenceModel::embed(const std::vector<std::string>& texts) const {
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(texts.size());
  for (const auto& text : texts) sequences.push_back(tokenize(text));
  std::vector<float> flat(texts.size() * static_cast<size_t>(dimension()));
  EncoderWorkspace workspace;
  encode_batch(sequences, workspace, flat.data());
  std::vector<std::vector<float>> result;
  for (size_t i = 0; i < texts.size(); ++i) {
    result.emplace_back(flat.begin() + i * dimension(), flat.begin() + (i + 1) * dimension());
  }
  return result;
}

}  // namespace sextant::embed
