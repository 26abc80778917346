// simdjson on-demand reading of a search body with a plain query vector (plain_vector_body.hpp).
#include "api/parse/plain_vector_body.hpp"

#include <simdjson.h>

#include <boost/json/parse.hpp>
#include <string>

#include "api/handler_support.hpp"
#include "api/parse/ondemand_body.hpp"

namespace sextant::api {

namespace {

// A vector's usual size: room for it up front, so reading does not grow the array step by step.
constexpr size_t kReservedDimensions = 1536;

bool read_floats(simdjson::ondemand::value value, std::vector<float>& out) {
  out.reserve(kReservedDimensions);
  return ondemand::read_f32_array(value, SIZE_MAX, out) && !out.empty();
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
  simdjson::ondemand::document document;
  if (!ondemand::iterate_on_this_thread(body, document)) return std::nullopt;
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
  // Content after the object is an error the DOM path words.
  if (!has_vector || !ondemand::at_end(document)) return std::nullopt;
  return split;
}

}  // namespace sextant::api
