// The architecture and sentence-transformers settings of one model directory, read from
// config.json, sentence_bert_config.json, 1_Pooling/config.json (or the pooling module named in
// modules.json), tokenizer_config.json and modules.json. Only what the encoder needs is kept.
//
// Invariants after a successful load: hidden_size % attention_heads == 0, max_seq_length <=
// max_position_embeddings, hidden_act is "gelu" (exact erf form, what BERT checkpoints use).
#pragma once

#include <string>

#include "common/status.hpp"

namespace sextant::embed {

enum class Pooling { kMean, kCls, kMax };

struct ModelConfig {
  int hidden_size = 384;
  int layers = 6;
  int attention_heads = 12;
  int intermediate_size = 1536;
  int vocab_size = 30522;
  int max_position_embeddings = 512;
  int type_vocab_size = 2;
  float layer_norm_eps = 1e-12f;
  int max_seq_length = 256;  // tokens, including [CLS] and [SEP]
  bool do_lower_case = true;
  bool strip_accents = true;  // BERT uncased: follows do_lower_case unless set explicitly
  bool tokenize_chinese_chars = true;
  Pooling pooling = Pooling::kMean;
  bool normalize = true;  // a Normalize module follows pooling
};

Result<ModelConfig> load_model_config(const std::string& model_dir);

}  // namespace sextant::embed
