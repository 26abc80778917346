// Non-throwing reads of JSON numbers. boost::json's to_number() throws when a conversion is not
// exact (1.5 as an integer, 2^63+1 as a double); request parsing must answer such input with a
// format error, never an exception.
#pragma once

#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace sextant::api {

// The value as a double (any JSON number); 0 for non-numbers.
inline double json_double(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return 0;
}

// The value when it is a non-negative integer, else nullopt.
inline std::optional<uint64_t> json_uint(const boost::json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  return std::nullopt;
}

// The shortest text that reads back as `value` ("0.5", "1e-7"), as Rust's Display prints a
// float in Qdrant's messages (boost::json would print "5E-1").
inline std::string shortest_number_text(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

// A float field's value as Qdrant's range messages show it (Rust's f64 Display in the validator's
// JSON number): "0.5", and "2.0" for a whole number. An f32 field passes its value widened to
// double, as Rust does (0.3f shows as "0.30000001192092896").
inline std::string float_value_text(double value) {
  std::string text = shortest_number_text(value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// The double a float32 is written as: the shortest decimal that reads back as the float, so
// 0.8f prints "0.8" (as Qdrant prints its f32 scores and vectors), not "0.800000011920929".
inline double float_json_value(float value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return static_cast<double>(value);
  double shortest = 0;
  auto parsed = std::from_chars(buffer, end, shortest);
  return parsed.ec == std::errc() ? shortest : static_cast<double>(value);
}

// A JSON number as Rust's Display prints it in Qdrant's validation messages ("0.5", "1", "50").
inline std::string json_number_text(const boost::json::value& v) {
  if (v.is_double()) return shortest_number_text(v.get_double());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return "NaN";
}

}  // namespace sextant::api
