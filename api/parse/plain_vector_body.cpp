// simdjson on-demand reading of a search body with a plain query vector (plain_vector_body.hpp).
#include "api/parse/plain_vector_body.hpp"

#include <simdjson.h>

#include <boost/json/parse.hpp>
#include <cmath>
#include <string>

#include "api/handler_support.hpp"

namespace sextant::api {

namespace {

// The largest finite f32, as the DOM path's parse_floats() bounds a vector component.
constexpr double kMaxF32 = 3.4028234663852886e38;

// The per-thread padded copy of the body and the parser that reads it, reused across requests.
struct ThreadBuffers {
  simdjson::ondemand::parser parser;
  std::string padded;
};

ThreadBuffers& thread_buffers() {
  thread_local ThreadBuffers buffers;
  return buffers;
}

// simdjson reads a number exactly only up to 19 significant digits (beyond that this build has
// been seen to misread it): a longer mantissa is left to the DOM path. Zeros before the first
// other digit (0.000123) are not significant. A token no longer than 19 characters once its
// sign and leading zeros are skipped cannot hold more (the common case, judged without reading
// its digits); a longer one has its digits counted up to its exponent.
bool within_exact_digits(std::string_view token) {
  constexpr size_t kExactDigits = 19;
  size_t begin = 0;
  while (begin < token.size() &&
         (token[begin] == '-' || token[begin] == '0' || token[begin] == '.'))
    ++begin;
  if (token.size() - begin <= kExactDigits) return true;
  size_t digits = 0;
  for (char c : token.substr(begin)) {
    if (c == 'e' || c == 'E') break;
    if (c >= '0' && c <= '9') ++digits;
  }
  return digits <= kExactDigits;
}

// A vector's usual size: room for it up front, so reading does not grow the array step by step.
constexpr size_t kReservedDimensions = 1536;

bool read_floats(simdjson::ondemand::value value, std::vector<float>& out) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return false;
  out.reserve(kReservedDimensions);
  for (auto item : array) {
    simdjson::ondemand::value element;
    if (item.get(element) || !within_exact_digits(element.raw_json_token())) return false;
    double number = 0;
    if (element.get_double().get(number)) return false;
    if (!std::isfinite(number) || std::fabs(number) > kMaxF32) return false;
    out.push_back(static_cast<float>(number));
  }
  return !out.empty();
}

bool read_field(simdjson::ondemand::value value, std::string_view key, boost::json::object& out) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return false;
  std::string_view raw;
  if (type == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array array;
    if (value.get_array().get(array) || array.raw_json().get(raw)) return false;
  } else if (type == simdjson::ondemand::json_type::object) {
    simdjson::ondemand::object object;
    if (value.get_object().get(object) || object.raw_json().get(raw)) return false;
  } else {
    raw = value.raw_json_token();
  }
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(raw, error, {}, options);
  if (error) return false;
  out.emplace(key, std::move(parsed));
  return true;
}

}  // namespace

std::optional<PlainVectorBody> split_plain_vector_body(std::string_view body,
                                                       std::string_view vector_key) {
  ThreadBuffers& buffers = thread_buffers();
  buffers.padded.assign(body);
  buffers.padded.resize(body.size() + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document document;
  if (buffers.parser.iterate(buffers.padded.data(), body.size(), buffers.padded.size())
          .get(document))
    return std::nullopt;
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) return std::nullopt;
  PlainVectorBody split;
  bool has_vector = false;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return std::nullopt;
    simdjson::ondemand::value value;
    if (field.value().get(value)) return std::nullopt;
    if (key == vector_key) {
      if (has_vector || !read_floats(value, split.vector)) return std::nullopt;
      has_vector = true;
      continue;
    }
    if (split.fields.contains(key) || !read_field(value, key, split.fields)) return std::nullopt;
  }
  if (!has_vector) return std::nullopt;
  // Content after the object (there is a location left to read) is an error the DOM path words.
  const char* trailing = nullptr;
  if (!document.current_location().get(trailing)) return std::nullopt;
  return split;
}

}  // namespace sextant::api
