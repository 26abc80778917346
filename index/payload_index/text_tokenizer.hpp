// Splits text into the tokens a full-text index stores and queries with, per TextOptions:
//   word / multilingual: runs of letters and digits of any script (Unicode punctuation, symbols
//                        and emoji separate words; scripts without spaces stay one run)
//   whitespace:          runs of non-whitespace
//   prefix:              word tokens; documents also index every prefix of each token from
//                        min_token_len (default 1) up to max_token_len, so "hel" finds "hello"
// then lowercase (ASCII, Latin, Greek, Cyrillic), min/max length (in characters) and stopwords.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "index/payload_index/field_schema.hpp"

namespace sextant::index::payload_index {

class TextTokenizer {
 public:
  explicit TextTokenizer(TextOptions options);

  // Tokens of a stored document, in order (prefix tokenizer: with the extra prefixes).
  std::vector<std::string> document_tokens(std::string_view text) const;
  // Tokens of a query, in order (never expanded to prefixes).
  std::vector<std::string> query_tokens(std::string_view text) const;

  const TextOptions& options() const { return options_; }

 private:
  std::vector<std::string> split(std::string_view text) const;

  TextOptions options_;
  std::unordered_set<std::string> stopwords_;
};

}  // namespace sextant::index::payload_index
