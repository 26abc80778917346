// Text normalisation of Hugging Face's BertNormalizer, step for step and in its order:
//   1. clean text: drop NUL, U+FFFD and "other" characters (Unicode C*) except \t \n \r; map
//      every whitespace character to a space;
//   2. put spaces around CJK ideographs, so each becomes its own word;
//   3. strip accents: canonical decomposition (NFD), then drop nonspacing marks (Mn);
//   4. lowercase, character by character (full mapping: U+0130 becomes "i" + U+0307).
// Works on code points; Unicode tables come from libutf8proc.
#pragma once

#include <string>
#include <string_view>

namespace sextant::embed {

struct BertNormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

// Decodes UTF-8 (invalid bytes are dropped) and normalises. The result is code points.
std::u32string bert_normalize(std::string_view utf8_text, const BertNormalizerOptions& options);

// Character classes of BertPreTokenizer, shared with the word splitter.
bool is_bert_whitespace(char32_t c);
bool is_bert_punctuation(char32_t c);

void append_utf8(std::string& out, char32_t c);

}  // namespace sextant::embed
