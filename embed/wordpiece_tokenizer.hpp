// Hugging Face's BERT tokenizer (the `tokenizers` pipeline of BertTokenizerFast):
//   added tokens ([CLS], [SEP], ... written literally in the text) are matched first on the raw
//   text; the rest goes through BertNormalizer, BertPreTokenizer (split on whitespace, isolate
//   each punctuation character) and WordPiece (greedy longest match, "##" continuation pieces,
//   words longer than 100 characters or with no match become [UNK]); the result is wrapped as
//   [CLS] ... [SEP] and truncated so the whole fits max_length.
//
// Immutable after load and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.hpp"
#include "embed/bert_normalizer.hpp"

namespace sextant::embed {

class WordpieceTokenizer {
 public:
  // Reads tokenizer.json when present (vocabulary, normalizer flags, added tokens), else
  // vocab.txt with `defaults` for the normalizer.
  static Result<std::unique_ptr<WordpieceTokenizer>> load(const std::string& model_dir,
                                                          const BertNormalizerOptions& defaults,
                                                          int max_length);

  // Token ids including [CLS] and [SEP]; at most max_length of them.
  std::vector<int32_t> encode(std::string_view text) const;
  // Same, with a caller-chosen limit (clamped to max_length); truncated == true when cut.
  std::vector<int32_t> encode(std::string_view text, int max_tokens, bool* truncated) const;

  int max_length() const { return max_length_; }
  size_t vocab_size() const { return vocab_.size(); }
  int32_t token_id(const std::string& token) const;  // -1 when absent

 private:
  WordpieceTokenizer() = default;
  void append_word_pieces(const std::u32string& word, std::vector<int32_t>& ids) const;
  void append_normalized_text(std::string_view text, std::vector<int32_t>& ids) const;
  Result<bool> finish_setup();

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::pair<std::string, int32_t>> added_tokens_;  // longest first
  BertNormalizerOptions normalizer_;
  std::string unk_token_ = "[UNK]";
  std::string continuation_prefix_ = "##";
  size_t max_input_chars_per_word_ = 100;
  int max_length_ = 512;
  int32_t unk_id_ = -1;
  int32_t cls_id_ = -1;
  int32_t sep_id_ = -1;
};

}  // namespace sextant::embed
