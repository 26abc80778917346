// Tokenisation for full-text indexes (see text_tokenizer.hpp). Text is read as UTF-8 code points:
// letters and digits of any script make words; ASCII and Unicode punctuation, symbols, spaces
// and emoji separate them. Lowercasing covers ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic capitals.
#include "index/payload_index/text_tokenizer.hpp"

namespace sextant::index::payload_index {
namespace {

// Decodes the code point at `pos` and advances past it; malformed bytes decode as themselves.
char32_t next_code_point(std::string_view text, size_t& pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 1;
  if (pos + length > text.size()) length = 1;
  char32_t cp = length == 1 ? lead : lead & (0xFF >> (length + 1));
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      length = 1;
      cp = lead;
      break;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  pos += length;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool is_word(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp <= 0xBF)
    return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA ||
           cp == 0xBC || cp == 0xBD || cp == 0xBE;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (cp >= 0x2E00 && cp <= 0x2E7F) return false;  // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE10 && cp <= 0xFE6F) return false;  // vertical / small forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // fullwidth punctuation
  if (cp >= 0xFF1A && cp <= 0xFF20) return false;
  if (cp >= 0xFF3B && cp <= 0xFF40) return false;
  if (cp >= 0xFF5B && cp <= 0xFF65) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  return true;
}

char32_t to_lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;  // Latin-1
  if (cp == 0x178) return 0xFF;                                // Ÿ
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149 && cp != 0x17F) {
    // Latin Extended-A pairs: even capital, odd small, except the 0x139..0x148 and
    // 0x179..0x17E runs where the capital is odd.
    bool odd_capital = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_capital ? (cp % 2 == 1) : (cp % 2 == 0)) return cp + 1;
    return cp;
  }
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                 // Cyrillic Ѐ-Џ
  return cp;
}

}  // namespace

TextTokenizer::TextTokenizer(TextOptions options) : options_(std::move(options)) {
  stopwords_.insert(options_.stopwords.begin(), options_.stopwords.end());
}

std::vector<std::string> TextTokenizer::split(std::string_view text) const {
  std::vector<std::string> tokens;
  const bool by_space = options_.tokenizer == Tokenizer::kWhitespace;
  std::string token;
  size_t token_chars = 0;
  auto finish = [&]() {
    if (token.empty()) return;
    bool too_short = options_.min_token_len && token_chars < *options_.min_token_len;
    // The prefix tokenizer keeps long words: their prefixes up to max_token_len are indexed.
    bool too_long = options_.max_token_len && token_chars > *options_.max_token_len &&
                    options_.tokenizer != Tokenizer::kPrefix;
    if (!too_short && !too_long && stopwords_.count(token) == 0) tokens.push_back(token);
    token.clear();
    token_chars = 0;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = next_code_point(text, pos);
    bool inside = by_space ? !is_space(cp) : is_word(cp);
    if (!inside) {
      finish();
      continue;
    }
    append_utf8(token, options_.lowercase ? to_lower(cp) : cp);
    ++token_chars;
  }
  finish();
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
    for (size_t i = 1; i <= token.size(); ++i) {
      bool boundary = i == token.size() || (static_cast<unsigned char>(token[i]) & 0xC0) != 0x80;
      if (!boundary) continue;
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
