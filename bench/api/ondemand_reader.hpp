// The on-demand reading of a body's plain vector, as api/parse/plain_vector_body.cpp does it
// (fields other than the vector skipped), compiled once per simdjson kernel by the file that
// includes it: SIMDJSON's builtin kernel follows the file's compile options.
// No include guard: each file that includes this one compiles it once more, for its kernel.
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace sextant::bench::ONDEMAND_READER_NAMESPACE {

std::string_view kernel() { return SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION); }

bool read_vector(std::string_view body, std::string_view key, std::vector<float>& out) {
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string padded;
  padded.assign(body);
  padded.resize(body.size() + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document document;
  if (parser.iterate(padded.data(), body.size(), padded.size()).get(document)) return false;
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) return false;
  out.clear();
  for (auto field : object) {
    std::string_view name;
    simdjson::ondemand::value value;
    if (field.unescaped_key().get(name) || field.value().get(value)) return false;
    if (name != key) continue;
    simdjson::ondemand::array array;
    if (value.get_array().get(array)) return false;
    for (auto item : array) {
      simdjson::ondemand::value element;
      double number = 0;
      if (item.get(element)) return false;
      (void)element.raw_json_token();  // the reader's digit check looks at the token
      if (element.get_double().get(number)) return false;
      out.push_back(static_cast<float>(number));
    }
  }
  return !out.empty();
}

}  // namespace sextant::bench::ONDEMAND_READER_NAMESPACE
