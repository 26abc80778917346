// Text -> terms for the BM25 sparse model, following Qdrant's full-text pipeline for
// `qdrant/bm25`: split into words (tokenizer "word": runs of letters and digits; "whitespace";
// "prefix": every prefix of each word for documents, the longest allowed one for queries), then
// per word: optional ASCII folding, lowercasing, stopword removal (checked before stemming),
// Snowball stemming, and min/max length filters (in characters).
//
// Known differences from Qdrant: "multilingual" splits like "word" (no dictionary segmentation
// of CJK or Japanese); ASCII folding covers accents and common ligatures, not Qdrant's full
// table; built-in stopword lists exist for English only (other languages get stemming and any
// custom stopwords).
//
// Immutable after construction; tokenize() may run concurrently.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace sextant::embed {

enum class Bm25TokenizerType { kWord, kWhitespace, kPrefix, kMultilingual };

struct Bm25TextOptions {
  Bm25TokenizerType tokenizer = Bm25TokenizerType::kWord;
  std::string language = "english";
  bool lowercase = true;
  bool ascii_folding = false;
  // Stopwords: nullopt means "the language's list"; otherwise the languages and custom words.
  std::optional<std::vector<std::string>> stopword_languages;
  std::vector<std::string> custom_stopwords;
  // Stemmer: nullopt means "the language's Snowball stemmer"; "" disables stemming.
  std::optional<std::string> stemmer_language;
  std::optional<size_t> min_token_len;
  std::optional<size_t> max_token_len;
};

class Bm25Tokenizer {
 public:
  static Result<Bm25Tokenizer> create(const Bm25TextOptions& options);

  // Terms of a document (indexing) or of a query (search): they differ for "prefix" only.
  std::vector<std::string> tokenize_document(std::string_view text) const;
  std::vector<std::string> tokenize_query(std::string_view text) const;

 private:
  std::vector<std::string> split_words(std::string_view text) const;
  std::optional<std::string> process(std::string word, bool check_max_len) const;
  std::string stem(const std::string& word) const;

  Bm25TextOptions options_;
  std::string snowball_algorithm_;  // libstemmer name; empty: no stemming
  std::set<std::string> stopwords_;
};

// Qdrant's language names (and two-letter aliases) -> libstemmer algorithm; nullopt if unknown.
std::optional<std::string> snowball_algorithm_for(std::string_view language);
// The built-in stopword list of `language` (English only; others are empty).
const std::vector<std::string>& builtin_stopwords(std::string_view language);

}  // namespace sextant::embed
