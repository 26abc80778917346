// Each step is a separate pass over a code-point buffer: the text is short (one sentence or
// paragraph) and the passes keep the correspondence with the reference implementation obvious.
#include "embed/bert_normalizer.hpp"

#include <utf8proc.h>

#include <vector>

namespace sextant::embed {
namespace {

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_other_category(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
      return true;
    default:
      return false;
  }
}

bool is_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  return is_other_category(c);
}

// The Unicode White_Space property.
bool is_unicode_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t remaining = static_cast<utf8proc_ssize_t>(text.size());
  while (remaining > 0) {
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t used = utf8proc_iterate(bytes, remaining, &code_point);
    if (used <= 0) {
      ++bytes;
      --remaining;
      continue;
    }
    out.push_back(static_cast<char32_t>(code_point));
    bytes += used;
    remaining -= used;
  }
  return out;
}

// NFD of the whole buffer (decomposition plus canonical reordering of combining marks).
std::u32string canonical_decomposition(const std::u32string& text) {
  std::string utf8;
  utf8.reserve(text.size() * 2);
  for (char32_t c : text) append_utf8(utf8, c);
  std::vector<utf8proc_int32_t> buffer(utf8.size() * 4 + 16);
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STABLE);
  utf8proc_ssize_t count =
      utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                         static_cast<utf8proc_ssize_t>(utf8.size()), buffer.data(),
                         static_cast<utf8proc_ssize_t>(buffer.size()), options);
  if (count < 0) return text;
  if (static_cast<size_t>(count) > buffer.size()) {
    buffer.resize(static_cast<size_t>(count));
    count = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                               static_cast<utf8proc_ssize_t>(utf8.size()), buffer.data(),
                               static_cast<utf8proc_ssize_t>(buffer.size()), options);
    if (count < 0) return text;
  }
  return std::u32string(buffer.begin(), buffer.begin() + count);
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t bytes[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), bytes);
  out.append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(n));
}

bool is_bert_whitespace(char32_t c) { return is_unicode_white_space(c); }

bool is_bert_punctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

std::u32string bert_normalize(std::string_view utf8_text, const BertNormalizerOptions& options) {
  std::u32string text = decode_utf8(utf8_text);

  if (options.clean_text) {
    std::u32string cleaned;
    cleaned.reserve(text.size());
    for (char32_t c : text) {
      if (c == 0 || c == 0xFFFD || is_control(c)) continue;
      cleaned.push_back(is_unicode_white_space(c) ? U' ' : c);
    }
    text.swap(cleaned);
  }

  if (options.handle_chinese_chars) {
    std::u32string spaced;
    spaced.reserve(text.size());
    for (char32_t c : text) {
      if (is_chinese_char(c)) {
        spaced.push_back(U' ');
        spaced.push_back(c);
        spaced.push_back(U' ');
      } else {
        spaced.push_back(c);
      }
    }
    text.swap(spaced);
  }

  if (options.strip_accents) {
    std::u32string decomposed = canonical_decomposition(text);
    text.clear();
    for (char32_t c : decomposed) {
      if (utf8proc_category(static_cast<utf8proc_int32_t>(c)) != UTF8PROC_CATEGORY_MN) {
        text.push_back(c);
      }
    }
  }

  if (options.lowercase) {
    std::u32string lowered;
    lowered.reserve(text.size());
    for (char32_t c : text) {
      if (c == 0x130) {  // the one unconditional multi-character lowercase mapping
        lowered.push_back(U'i');
        lowered.push_back(0x307);
        continue;
      }
      lowered.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    }
    text.swap(lowered);
  }
  return text;
}

}  // namespace sextant::embed
