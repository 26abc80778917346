// Tokenisation for full-text indexes (see text_tokenizer.hpp).
#include "index/payload_index/text_tokenizer.hpp"

namespace sextant::index::payload_index {
namespace {

bool is_word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Characters of UTF-8 text (bytes that do not continue a sequence).
size_t char_count(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace

TextTokenizer::TextTokenizer(TextOptions options) : options_(std::move(options)) {
  stopwords_.insert(options_.stopwords.begin(), options_.stopwords.end());
}

std::vector<std::string> TextTokenizer::split(std::string_view text) const {
  std::vector<std::string> tokens;
  const bool by_space = options_.tokenizer == Tokenizer::kWhitespace;
  size_t pos = 0;
  while (pos < text.size()) {
    auto inside = [&](unsigned char c) { return by_space ? !is_space(c) : is_word_byte(c); };
    while (pos < text.size() && !inside(static_cast<unsigned char>(text[pos]))) ++pos;
    size_t start = pos;
    while (pos < text.size() && inside(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == start) continue;
    std::string token(text.substr(start, pos - start));
    if (options_.lowercase) {
      for (char& c : token) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    size_t length = char_count(token);
    if (options_.min_token_len && length < *options_.min_token_len) continue;
    // The prefix tokenizer keeps long words: their prefixes up to max_token_len are indexed.
    if (options_.max_token_len && length > *options_.max_token_len &&
        options_.tokenizer != Tokenizer::kPrefix)
      continue;
    if (stopwords_.count(token) != 0) continue;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::vector<std::string> TextTokenizer::query_tokens(std::string_view text) const {
  return split(text);
}

std::vector<std::string> TextTokenizer::document_tokens(std::string_view text) const {
  std::vector<std::string> tokens = split(text);
  if (options_.tokenizer != Tokenizer::kPrefix) return tokens;
  std::vector<std::string> expanded;
  const size_t min_chars = options_.min_token_len.value_or(1);
  for (const std::string& token : tokens) {
    size_t chars = 0;
    for (size_t i = 0; i <= token.size(); ++i) {
      bool boundary = i == token.size() || (static_cast<unsigned char>(token[i]) & 0xC0) != 0x80;
      if (!boundary || i == 0) continue;
      ++chars;
      if (i == token.size()) break;
      if (chars >= min_chars && (!options_.max_token_len || chars <= *options_.max_token_len)) {
        expanded.push_back(token.substr(0, i));
      }
    }
    if (!options_.max_token_len || chars <= *options_.max_token_len) expanded.push_back(token);
  }
  return expanded;
}

}  // namespace sextant::index::payload_index
