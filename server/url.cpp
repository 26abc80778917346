// Percent-decoding and query parsing.
#include "server/url.hpp"

namespace sextant::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

RequestTarget split_target(std::string_view target) {
  size_t question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!is_valid_utf8(out)) return std::nullopt;
  return out;
}

std::string normalize_path(std::string_view raw_path) {
  std::string collapsed;
  collapsed.reserve(raw_path.size() + 1);
  for (char c : raw_path) {
    if (c == '/' && !collapsed.empty() && collapsed.back() == '/') continue;
    collapsed.push_back(c);
  }
  if (collapsed.empty() || collapsed.front() != '/') collapsed.insert(collapsed.begin(), '/');
  if (collapsed.size() > 1 && collapsed.back() == '/') collapsed.pop_back();
  return collapsed;
}

std::string decode_path_for_matching(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    size_t percent = path.find('%', i);
    if (percent == std::string_view::npos) percent = path.size();
    out.append(path.substr(i, percent - i));
    if (percent == path.size()) break;
    int high = percent + 2 < path.size() ? hex_value(path[percent + 1]) : -1;
    int low = percent + 2 < path.size() ? hex_value(path[percent + 2]) : -1;
    char decoded = static_cast<char>(high * 16 + low);
    if (high < 0 || low < 0 || decoded == '/') {
      out.push_back('%');  // malformed, or an encoded '/' that must not split a segment
      i = percent + 1;
      continue;
    }
    out.push_back(decoded);
    i = percent + 3;
  }
  return is_valid_utf8(out) ? out : std::string(path);
}

std::string decode_path_segment(std::string_view segment) {
  auto decoded = percent_decode(segment, false);
  return decoded ? *decoded : std::string(segment);
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view raw_query) {
  std::map<std::string, std::string> query;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t amp = raw_query.find('&', start);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view pair = raw_query.substr(start, amp - start);
    if (!pair.empty()) {
      size_t equals = pair.find('=');
      std::string_view raw_name = pair.substr(0, equals);
      std::string_view raw_value =
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
      auto name = percent_decode(raw_name, true);
      auto value = percent_decode(raw_value, true);
      if (!name || !value) return std::nullopt;
      query[*name] = *value;
    }
    start = amp + 1;
  }
  return query;
}

}  // namespace sextant::server
