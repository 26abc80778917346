// simdjson on-demand reading shared by the hot routes' fast paths (ondemand_body.hpp).
#include "api/parse/ondemand_body.hpp"

#include <cmath>
#include <string>

namespace sextant::api::ondemand {

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

}  // namespace

bool iterate_on_this_thread(std::string_view body, simdjson::ondemand::document& document) {
  ThreadBuffers& buffers = thread_buffers();
  buffers.padded.assign(body);
  buffers.padded.resize(body.size() + simdjson::SIMDJSON_PADDING, ' ');
  return !buffers.parser.iterate(buffers.padded.data(), body.size(), buffers.padded.size())
              .get(document);
}

namespace {

inline bool read_f32_here(simdjson::ondemand::value& value, float& out) {
  if (!within_exact_digits(value.raw_json_token())) return false;
  double number = 0;
  if (value.get_double().get(number)) return false;
  if (!std::isfinite(number) || std::fabs(number) > kMaxF32) return false;
  out = static_cast<float>(number);
  return true;
}

}  // namespace

bool read_f32(simdjson::ondemand::value value, float& out) { return read_f32_here(value, out); }

bool read_f32_array(simdjson::ondemand::value value, size_t max_count, std::vector<float>& out) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array)) return false;
  size_t count = 0;
  for (auto item : array) {
    simdjson::ondemand::value element;
    float number = 0;
    if (item.get(element) || count == max_count || !read_f32_here(element, number)) return false;
    out.push_back(number);
    ++count;
  }
  return true;
}

bool at_end(simdjson::ondemand::document& document) {
  // A location left to read means content after the root value.
  const char* trailing = nullptr;
  return document.current_location().get(trailing) != simdjson::SUCCESS;
}

}  // namespace sextant::api::ondemand
