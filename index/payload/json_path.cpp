// Parsing and manipulation of payload key paths (see json_path.hpp for the syntax).
#include "index/payload/json_path.hpp"

#include <cctype>

namespace sextant::index::payload {
namespace {

// Unquoted keys: letters, digits (ASCII or any non-ASCII UTF-8 byte), '_' and '-'.
bool is_raw_key_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || std::isalnum(byte) || c == '_' || c == '-';
}

// Reads a raw or quoted key at `pos`; nullopt when there is none.
std::optional<std::string> read_key(std::string_view text, size_t& pos) {
  if (pos < text.size() && text[pos] == '"') {
    size_t close = pos + 1;
    while (close < text.size() && text[close] != '"') {
      if (text[close] == '\\') return std::nullopt;
      ++close;
    }
    if (close >= text.size()) return std::nullopt;
    std::string key(text.substr(pos + 1, close - pos - 1));
    pos = close + 1;
    return key;
  }
  size_t start = pos;
  while (pos < text.size() && is_raw_key_char(text[pos])) ++pos;
  if (pos == start) return std::nullopt;
  return std::string(text.substr(start, pos - start));
}

bool key_needs_quoting(const std::string& key) {
  if (key.empty()) return true;
  for (char c : key) {
    if (!is_raw_key_char(c)) return true;
  }
  return false;
}

void append_key(std::string& out, const std::string& key) {
  if (key_needs_quoting(key)) {
    out += '"';
    out += key;
    out += '"';
  } else {
    out += key;
  }
}

}  // namespace

std::optional<JsonPath> JsonPath::parse(std::string_view text) {
  size_t pos = 0;
  auto first = read_key(text, pos);
  if (!first) return std::nullopt;
  JsonPath path;
  path.first_key = std::move(*first);
  while (pos < text.size()) {
    if (text[pos] == '.') {
      ++pos;
      auto key = read_key(text, pos);
      if (!key) return std::nullopt;
      path.rest.push_back({JsonPathItem::Kind::kKey, std::move(*key), 0});
    } else if (text[pos] == '[') {
      size_t close = text.find(']', pos);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view inside = text.substr(pos + 1, close - pos - 1);
      if (inside.empty()) {
        path.rest.push_back({JsonPathItem::Kind::kWildcard, {}, 0});
      } else {
        size_t index = 0;
        for (char c : inside) {
          if (c < '0' || c > '9') return std::nullopt;
          if (index > (SIZE_MAX - 9) / 10) return std::nullopt;
          index = index * 10 + static_cast<size_t>(c - '0');
        }
        path.rest.push_back({JsonPathItem::Kind::kIndex, {}, index});
      }
      pos = close + 1;
    } else {
      return std::nullopt;
    }
  }
  return path;
}

std::string JsonPath::to_string() const {
  std::string out;
  append_key(out, first_key);
  for (const JsonPathItem& item : rest) {
    switch (item.kind) {
      case JsonPathItem::Kind::kKey:
        out += '.';
        append_key(out, item.key);
        break;
      case JsonPathItem::Kind::kIndex:
        out += '[' + std::to_string(item.index) + ']';
        break;
      case JsonPathItem::Kind::kWildcard:
        out += "[]";
        break;
    }
  }
  return out;
}

JsonPath JsonPath::array_key() const {
  JsonPath result = *this;
  if (!has_wildcard_suffix()) result.rest.push_back({JsonPathItem::Kind::kWildcard, {}, 0});
  return result;
}

bool JsonPath::has_wildcard_suffix() const {
  return !rest.empty() && rest.back().kind == JsonPathItem::Kind::kWildcard;
}

JsonPath JsonPath::strip_wildcard_suffix() const {
  JsonPath result = *this;
  if (has_wildcard_suffix()) result.rest.pop_back();
  return result;
}

std::optional<JsonPath> JsonPath::strip_prefix(const JsonPath& prefix) const {
  if (first_key != prefix.first_key || rest.size() <= prefix.rest.size()) return std::nullopt;
  for (size_t i = 0; i < prefix.rest.size(); ++i) {
    if (!(rest[i] == prefix.rest[i])) return std::nullopt;
  }
  const JsonPathItem& next = rest[prefix.rest.size()];
  if (next.kind != JsonPathItem::Kind::kKey) return std::nullopt;
  JsonPath result;
  result.first_key = next.key;
  result.rest.assign(rest.begin() + static_cast<std::ptrdiff_t>(prefix.rest.size()) + 1,
                     rest.end());
  return result;
}

JsonPath JsonPath::extend(const JsonPath& other) const {
  JsonPath result = *this;
  result.rest.push_back({JsonPathItem::Kind::kKey, other.first_key, 0});
  result.rest.insert(result.rest.end(), other.rest.begin(), other.rest.end());
  return result;
}

bool JsonPath::compatible(const JsonPath& other) const {
  if (first_key != other.first_key) return false;
  size_t common = std::min(rest.size(), other.rest.size());
  for (size_t i = 0; i < common; ++i) {
    const JsonPathItem& a = rest[i];
    const JsonPathItem& b = other.rest[i];
    bool a_array = a.kind != JsonPathItem::Kind::kKey;
    bool b_array = b.kind != JsonPathItem::Kind::kKey;
    if (a_array != b_array) return false;
    if (!a_array && a.key != b.key) return false;
    if (a.kind == JsonPathItem::Kind::kIndex && b.kind == JsonPathItem::Kind::kIndex &&
        a.index != b.index)
      return false;
  }
  return true;
}

}  // namespace sextant::index::payload
