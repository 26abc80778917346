// Tensor names follow Hugging Face's BertModel; checkpoints saved from a task model carry a
// "bert." prefix, which is detected once from the word-embedding tensor.
#include "embed/bert_weights.hpp"

#include <cstring>

namespace sextant::embed {
namespace {

class TensorReader {
 public:
  TensorReader(const SafetensorsFile& file, std::string prefix)
      : file_(file), prefix_(std::move(prefix)) {}

  const float* get(const std::string& name, std::vector<int64_t> shape) {
    if (!error_.empty()) return nullptr;
    auto tensor = file_.tensor(prefix_ + name, shape);
    if (!tensor) {
      error_ = tensor.error().message;
      return nullptr;
    }
    return *tensor;
  }
  const std::string& error() const { return error_; }

 private:
  const SafetensorsFile& file_;
  std::string prefix_;
  std::string error_;
};

}  // namespace

Result<std::unique_ptr<BertWeights>> BertWeights::load(const std::string& safetensors_path,
                                                       const ModelConfig& config) {
  auto file = SafetensorsFile::open(safetensors_path);
  if (!file) return file.error();
  std::string prefix;
  for (const char* candidate : {"", "bert.", "model."}) {
    if ((*file)->contains(std::string(candidate) + "embeddings.word_embeddings.weight")) {
      prefix = candidate;
      break;
    }
  }
  const int64_t hidden = config.hidden_size;
  const int64_t intermediate = config.intermediate_size;
  auto weights = std::make_unique<BertWeights>();
  TensorReader read(**file, prefix);
  weights->word_embeddings =
      read.get("embeddings.word_embeddings.weight", {config.vocab_size, hidden});
  weights->position_embeddings =
      read.get("embeddings.position_embeddings.weight", {config.max_position_embeddings, hidden});
  weights->token_type_embeddings =
      read.get("embeddings.token_type_embeddings.weight", {config.type_vocab_size, hidden});
  weights->embedding_norm_gamma = read.get("embeddings.LayerNorm.weight", {hidden});
  weights->embedding_norm_beta = read.get("embeddings.LayerNorm.bias", {hidden});

  for (int index = 0; index < config.layers; ++index) {
    std::string layer = "encoder.layer." + std::to_string(index) + ".";
    BertLayerWeights w{};
    w.qkv_weight.resize(static_cast<size_t>(3 * hidden * hidden));
    w.qkv_bias.resize(static_cast<size_t>(3 * hidden));
    const char* parts[] = {"query", "key", "value"};
    for (int part = 0; part < 3; ++part) {
      std::string base = layer + "attention.self." + parts[part];
      const float* weight = read.get(base + ".weight", {hidden, hidden});
      const float* bias = read.get(base + ".bias", {hidden});
      if (!weight || !bias) break;
      std::memcpy(w.qkv_weight.data() + part * hidden * hidden, weight,
                  sizeof(float) * static_cast<size_t>(hidden * hidden));
      std::memcpy(w.qkv_bias.data() + part * hidden, bias, sizeof(float) * hidden);
    }
    w.attention_output_weight = read.get(layer + "attention.output.dense.weight", {hidden, hidden});
    w.attention_output_bias = read.get(layer + "attention.output.dense.bias", {hidden});
    w.attention_norm_gamma = read.get(layer + "attention.output.LayerNorm.weight", {hidden});
    w.attention_norm_beta = read.get(layer + "attention.output.LayerNorm.bias", {hidden});
    w.intermediate_weight = read.get(layer + "intermediate.dense.weight", {intermediate, hidden});
    w.intermediate_bias = read.get(layer + "intermediate.dense.bias", {intermediate});
    w.output_weight = read.get(layer + "output.dense.weight", {hidden, intermediate});
    w.output_bias = read.get(layer + "output.dense.bias", {hidden});
    w.output_norm_gamma = read.get(layer + "output.LayerNorm.weight", {hidden});
    w.output_norm_beta = read.get(layer + "output.LayerNorm.bias", {hidden});
    if (read.error().empty()) {
      const auto h = static_cast<size_t>(hidden), inner = static_cast<size_t>(intermediate);
      w.qkv_packed = PackedWeights(w.qkv_weight.data(), 3 * h, h);
      w.attention_output_packed = PackedWeights(w.attention_output_weight, h, h);
      w.intermediate_packed = PackedWeights(w.intermediate_weight, inner, h);
      w.output_packed = PackedWeights(w.output_weight, h, inner);
    }
    weights->layers.push_back(std::move(w));
  }
  if (!read.error().empty()) return Error::corrupted(read.error());
  weights->file = std::move(*file);
  return weights;
}

}  // namespace sextant::embed
