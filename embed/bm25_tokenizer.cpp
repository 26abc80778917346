// Word splitting uses Unicode categories from libutf8proc: letters, numbers and spacing marks
// count as word characters (Rust's char::is_alphanumeric, which Qdrant uses, is Alphabetic or
// Numeric; spacing marks are the Alphabetic non-letters that matter in practice).
#include "embed/bm25_tokenizer.hpp"

#include <libstemmer.h>
#include <utf8proc.h>

#include <memory>

#include "embed/bert_normalizer.hpp"

namespace sextant::embed {
namespace {

bool is_word_char(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

std::u32string decode(std::string_view text) {
  BertNormalizerOptions raw{false, false, false, false};
  return bert_normalize(text, raw);  // decoding only
}

std::string encode(const std::u32string& text) {
  std::string out;
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

std::string lowercase(const std::u32string& word) {
  std::string out;
  for (char32_t c : word) {
    if (c == 0x130) {
      out += "i\xCC\x87";
      continue;
    }
    append_utf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
  return out;
}

std::u32string fold_to_ascii(const std::u32string& word) {
  BertNormalizerOptions strip{false, false, true, false};
  std::u32string stripped = bert_normalize(encode(word), strip);
  std::u32string out;
  for (char32_t c : stripped) {
    switch (c) {
      case U'ß':
        out += U"ss";
        break;
      case U'æ':
        out += U"ae";
        break;
      case U'Æ':
        out += U"AE";
        break;
      case U'œ':
        out += U"oe";
        break;
      case U'Œ':
        out += U"OE";
        break;
      case U'ø':
        out += U"o";
        break;
      case U'Ø':
        out += U"O";
        break;
      case U'ł':
        out += U"l";
        break;
      case U'Ł':
        out += U"L";
        break;
      case U'đ':
        out += U"d";
        break;
      case U'Đ':
        out += U"D";
        break;
      case U'þ':
        out += U"th";
        break;
      case U'Þ':
        out += U"TH";
        break;
      case U'ı':
        out += U"i";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

size_t char_count(const std::string& utf8) {
  size_t count = 0;
  for (unsigned char byte : utf8) count += (byte & 0xC0) != 0x80;
  return count;
}

// Byte offset just past the first `chars` characters of `utf8` (or its size).
size_t prefix_bytes(const std::string& utf8, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) {
      if (seen == chars) return i;
      ++seen;
    }
  }
  return utf8.size();
}

}  // namespace

Result<Bm25Tokenizer> Bm25Tokenizer::create(const Bm25TextOptions& options) {
  Bm25Tokenizer tokenizer;
  tokenizer.options_ = options;
  if (!options.stemmer_language) {
    tokenizer.snowball_algorithm_ = snowball_algorithm_for(options.language).value_or("");
  } else if (!options.stemmer_language->empty()) {
    auto algorithm = snowball_algorithm_for(*options.stemmer_language);
    if (!algorithm) {
      return Error{ErrorKind::kBadInput,
                   "unknown snowball stemmer language: " + *options.stemmer_language};
    }
    tokenizer.snowball_algorithm_ = *algorithm;
  }
  auto add_stopword = [&](const std::string& word) {
    tokenizer.stopwords_.insert(options.lowercase ? lowercase(decode(word)) : word);
  };
  if (!options.stopword_languages) {
    for (const auto& word : builtin_stopwords(options.language)) add_stopword(word);
  } else {
    for (const auto& language : *options.stopword_languages) {
      for (const auto& word : builtin_stopwords(language)) add_stopword(word);
    }
  }
  for (const auto& word : options.custom_stopwords) add_stopword(word);
  return tokenizer;
}

std::vector<std::string> Bm25Tokenizer::split_words(std::string_view text) const {
  std::u32string code_points = decode(text);
  std::vector<std::string> words;
  std::u32string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(encode(word));
    word.clear();
  };
  for (char32_t c : code_points) {
    bool separator = options_.tokenizer == Bm25TokenizerType::kWhitespace ? is_bert_whitespace(c)
                                                                          : !is_word_char(c);
    if (separator) {
      flush();
    } else {
      word.push_back(c);
    }
  }
  flush();
  return words;
}

std::string Bm25Tokenizer::stem(const std::string& word) const {
  if (snowball_algorithm_.empty()) return word;
  std::unique_ptr<sb_stemmer, void (*)(sb_stemmer*)> stemmer(
      sb_stemmer_new(snowball_algorithm_.c_str(), "UTF_8"), sb_stemmer_delete);
  if (!stemmer) return word;
  const sb_symbol* stemmed =
      sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                      static_cast<int>(word.size()));
  if (!stemmed) return word;
  return std::string(reinterpret_cast<const char*>(stemmed),
                     static_cast<size_t>(sb_stemmer_length(stemmer.get())));
}

std::optional<std::string> Bm25Tokenizer::process(std::string word, bool check_max_len) const {
  if (word.empty()) return std::nullopt;
  if (options_.ascii_folding) word = encode(fold_to_ascii(decode(word)));
  if (options_.lowercase) word = lowercase(decode(word));
  if (stopwords_.count(word)) return std::nullopt;
  word = stem(word);
  size_t length = char_count(word);
  if ((options_.min_token_len && length < *options_.min_token_len) ||
      (check_max_len && options_.max_token_len && length > *options_.max_token_len)) {
    return std::nullopt;
  }
  return word;
}

std::vector<std::string> Bm25Tokenizer::tokenize_document(std::string_view text) const {
  std::vector<std::string> terms;
  const bool prefix = options_.tokenizer == Bm25TokenizerType::kPrefix;
  for (auto& word : split_words(text)) {
    auto term = process(std::move(word), !prefix);
    if (!term) continue;
    if (!prefix) {
      terms.push_back(std::move(*term));
      continue;
    }
    // Every prefix from min_token_len characters up to max_token_len (or the whole word).
    size_t min_chars = options_.min_token_len.value_or(1);
    size_t max_chars = options_.max_token_len.value_or(SIZE_MAX);
    size_t length = char_count(*term);
    for (size_t n = min_chars; n <= max_chars; ++n) {
      if (n >= length) {
        terms.push_back(*term);
        break;
      }
      terms.push_back(term->substr(0, prefix_bytes(*term, n)));
    }
  }
  return terms;
}

std::vector<std::string> Bm25Tokenizer::tokenize_query(std::string_view text) const {
  if (options_.tokenizer != Bm25TokenizerType::kPrefix) return tokenize_document(text);
  // Prefix queries: no stopword filter (a partial word may look like one), longest prefix only.
  std::vector<std::string> terms;
  for (auto& word : split_words(text)) {
    std::string term = word;
    if (options_.ascii_folding) term = encode(fold_to_ascii(decode(term)));
    if (options_.lowercase) term = lowercase(decode(term));
    term = stem(term);
    if (options_.min_token_len && char_count(term) < *options_.min_token_len) continue;
    if (options_.max_token_len) term = term.substr(0, prefix_bytes(term, *options_.max_token_len));
    terms.push_back(std::move(term));
  }
  return terms;
}

}  // namespace sextant::embed
