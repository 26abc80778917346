#include "api/write/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace sextant::api {
namespace json = boost::json;
namespace {

void append_escaped(json::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

template <typename Integer>
void append_integer(Integer value, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void append_json_double(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[40];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string_view text(buffer, end - buffer);
  const size_t exponent = text.find('e');
  if (exponent == std::string_view::npos) {
    out.append(text);
    if (text.find('.') == std::string_view::npos) out += ".0";  // stays a float: "1.0"
    return;
  }
  // to_chars writes "1e-07" / "1e+21"; serde writes "1e-7" / "1e21".
  out.append(text.substr(0, exponent + 1));
  size_t digits = exponent + 1;
  if (text[digits] == '-')
    out.push_back(text[digits++]);
  else if (text[digits] == '+')
    ++digits;
  while (digits + 1 < text.size() && text[digits] == '0') ++digits;
  out.append(text.substr(digits));
}

void append_json_text(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      append_integer(value.get_int64(), out);
      return;
    case json::kind::uint64:
      append_integer(value.get_uint64(), out);
      return;
    case json::kind::double_:
      append_json_double(value.get_double(), out);
      return;
    case json::kind::string:
      append_escaped(value.get_string(), out);
      return;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_escaped(key, out);
        out.push_back(':');
        append_json_text(item, out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_json_text(const json::value& value) {
  std::string out;
  out.reserve(256);
  append_json_text(value, out);
  return out;
}

}  // namespace sextant::api
