// Qdrant `Document` options in JSON -> the typed options of inference/; see document_options.hpp.
#include "api/parse/document_options.hpp"

#include <algorithm>
#include <cctype>

namespace sextant::api {
namespace json = boost::json;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string json_type_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "a sequence";
    case json::kind::object:
      return "a map";
    default:
      return "a number";
  }
}

Error bm25_error(const std::string& detail) {
  return Error::bad_input("Invalid BM25 config: " + detail);
}

Result<double> read_number(const json::value& value, const char* key) {
  if (value.is_number()) return value.to_number<double>();
  return bm25_error(std::string("invalid type: ") + json_type_name(value) + ", expected f64 for `" +
                    key + "`");
}

Result<size_t> read_count(const json::value& value, const char* key) {
  if (value.is_int64() && value.as_int64() >= 0) return static_cast<size_t>(value.as_int64());
  if (value.is_uint64()) return static_cast<size_t>(value.as_uint64());
  return bm25_error(std::string("invalid value for `") + key + "`, expected usize");
}

Result<bool> read_bool(const json::value& value, const char* key) {
  if (value.is_bool()) return value.as_bool();
  return bm25_error(std::string("invalid type: ") + json_type_name(value) +
                    ", expected a boolean for `" + key + "`");
}

}  // namespace

Result<embed::Bm25Options> parse_bm25_options(const json::object& options) {
  embed::Bm25Options parsed;
  auto& text = parsed.text;
  for (const auto& [key, value] : options) {
    if (key == "k" || key == "b" || key == "avg_len") {
      auto number = read_number(value, key.data());
      if (!number) return number.error();
      (key == "k" ? parsed.k : key == "b" ? parsed.b : parsed.avg_len) = *number;
    } else if (key == "tokenizer") {
      std::string name = value.is_string() ? std::string(value.as_string()) : "";
      if (name == "word") {
        text.tokenizer = embed::Bm25TokenizerType::kWord;
      } else if (name == "whitespace") {
        text.tokenizer = embed::Bm25TokenizerType::kWhitespace;
      } else if (name == "prefix") {
        text.tokenizer = embed::Bm25TokenizerType::kPrefix;
      } else if (name == "multilingual") {
        text.tokenizer = embed::Bm25TokenizerType::kMultilingual;
      } else {
        return bm25_error("unknown variant `" + name +
                          "`, expected one of `prefix`, `whitespace`, `word`, `multilingual`");
      }
    } else if (key == "language") {
      if (!value.is_string()) return bm25_error("invalid type for `language`, expected a string");
      text.language = lower(std::string(value.as_string()));
    } else if (key == "lowercase" || key == "ascii_folding") {
      auto flag = read_bool(value, key.data());
      if (!flag) return flag.error();
      (key == "lowercase" ? text.lowercase : text.ascii_folding) = *flag;
    } else if (key == "min_token_len" || key == "max_token_len") {
      auto count = read_count(value, key.data());
      if (!count) return count.error();
      (key == "min_token_len" ? text.min_token_len : text.max_token_len) = *count;
    } else if (key == "stopwords") {
      // A language name, or {"languages": [...], "custom": [...]}.
      std::vector<std::string> languages;
      if (value.is_string()) {
        languages.push_back(lower(std::string(value.as_string())));
      } else if (value.is_object()) {
        const auto& set = value.as_object();
        if (const auto* list = set.if_contains("languages"); list && list->is_array()) {
          for (const auto& item : list->as_array()) {
            if (item.is_string()) languages.push_back(lower(std::string(item.as_string())));
          }
        }
        if (const auto* custom = set.if_contains("custom"); custom && custom->is_array()) {
          for (const auto& item : custom->as_array()) {
            if (item.is_string()) text.custom_stopwords.emplace_back(item.as_string());
          }
        }
      } else {
        return bm25_error("data did not match any variant of untagged enum StopwordsInterface");
      }
      text.stopword_languages = std::move(languages);
    } else if (key == "stemmer") {
      const json::object* stemmer = value.if_object();
      const json::value* type = stemmer ? stemmer->if_contains("type") : nullptr;
      if (!type || !type->is_string()) {
        return bm25_error("data did not match any variant of untagged enum StemmingAlgorithm");
      }
      if (type->as_string() == "none") {
        text.stemmer_language = "";
      } else if (type->as_string() == "snowball") {
        const json::value* language = stemmer->if_contains("language");
        if (!language || !language->is_string()) {
          return bm25_error("missing field `language` in snowball stemmer");
        }
        text.stemmer_language = lower(std::string(language->as_string()));
      } else {
        return bm25_error("data did not match any variant of untagged enum StemmingAlgorithm");
      }
    }
    // Other keys are ignored, as Qdrant's flattened Bm25Config does.
  }
  return parsed;
}

}  // namespace sextant::api
