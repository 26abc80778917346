// field_schema JSON -> FieldSchema, including the stopword languages and custom sets.
#include "index/payload_index/field_schema.hpp"

#include <boost/json.hpp>
#include <string_view>

#include "index/payload_index/stopwords.hpp"

namespace sextant::index::payload_index {
namespace {

namespace json = boost::json;

std::optional<FieldType> type_from_name(std::string_view name) {
  static constexpr std::pair<const char*, FieldType> kNames[] = {
      {"keyword", FieldType::kKeyword},   {"integer", FieldType::kInteger},
      {"float", FieldType::kFloat},       {"geo", FieldType::kGeo},
      {"text", FieldType::kText},         {"bool", FieldType::kBool},
      {"datetime", FieldType::kDatetime}, {"uuid", FieldType::kUuid}};
  for (const auto& [text, type] : kNames) {
    if (name == text) return type;
  }
  return std::nullopt;
}

bool read_bool(const json::object& o, const char* name, bool& out, std::string& error) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_bool()) {
    error = std::string("invalid type for `") + name + "`, expected a boolean";
    return false;
  }
  out = v->get_bool();
  return true;
}

bool read_len(const json::object& o, const char* name, std::optional<uint64_t>& out,
              std::string& error) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return true;
  if (v->is_uint64()) {
    out = v->get_uint64();
  } else if (v->is_int64() && v->get_int64() >= 0) {
    out = static_cast<uint64_t>(v->get_int64());
  } else {
    error = std::string("invalid type for `") + name + "`, expected usize";
    return false;
  }
  return true;
}

bool add_language(std::string_view language, std::vector<std::string>& out, std::string& error) {
  const std::vector<std::string>* words = stopwords_for_language(language);
  if (words == nullptr) {
    error = "unknown stopwords language `" + std::string(language) + "`";
    return false;
  }
  out.insert(out.end(), words->begin(), words->end());
  return true;
}

// "english" | {"languages": [...], "custom": [...]}.
bool read_stopwords(const json::value& v, TextOptions& text, std::string& error) {
  if (v.is_null()) return true;
  if (v.is_string()) return add_language(v.get_string(), text.stopwords, error);
  if (!v.is_object()) {
    error = "data did not match any variant of untagged enum StopwordsInterface";
    return false;
  }
  const json::object& o = v.get_object();
  if (const json::value* languages = o.if_contains("languages");
      languages && !languages->is_null()) {
    if (!languages->is_array()) {
      error = "data did not match any variant of untagged enum StopwordsInterface";
      return false;
    }
    for (const json::value& language : languages->get_array()) {
      if (!language.is_string() || !add_language(language.get_string(), text.stopwords, error)) {
        if (error.empty()) {
          error = "data did not match any variant of untagged enum StopwordsInterface";
        }
        return false;
      }
    }
  }
  if (const json::value* custom = o.if_contains("custom"); custom && !custom->is_null()) {
    if (!custom->is_array()) {
      error = "data did not match any variant of untagged enum StopwordsInterface";
      return false;
    }
    for (const json::value& word : custom->get_array()) {
      if (!word.is_string()) {
        error = "data did not match any variant of untagged enum StopwordsInterface";
        return false;
      }
      text.stopwords.emplace_back(word.get_string());
    }
  }
  return true;
}

bool read_text_options(const json::object& o, TextOptions& text, std::string& error) {
  if (const json::value* tokenizer = o.if_contains("tokenizer");
      tokenizer && !tokenizer->is_null()) {
    std::string_view name = tokenizer->is_string() ? std::string_view(tokenizer->get_string()) : "";
    if (name == "word") {
      text.tokenizer = Tokenizer::kWord;
    } else if (name == "whitespace") {
      text.tokenizer = Tokenizer::kWhitespace;
    } else if (name == "prefix") {
      text.tokenizer = Tokenizer::kPrefix;
    } else if (name == "multilingual") {
      text.tokenizer = Tokenizer::kMultilingual;
    } else {
      error =
          "unknown variant of `tokenizer`, expected one of `prefix`, `whitespace`, `word`, "
          "`multilingual`";
      return false;
    }
  }
  if (!read_bool(o, "lowercase", text.lowercase, error) ||
      !read_bool(o, "phrase_matching", text.phrase_matching, error) ||
      !read_len(o, "min_token_len", text.min_token_len, error) ||
      !read_len(o, "max_token_len", text.max_token_len, error)) {
    return false;
  }
  if (const json::value* stopwords = o.if_contains("stopwords")) {
    if (!read_stopwords(*stopwords, text, error)) return false;
  }
  if (text.lowercase) {
    for (std::string& word : text.stopwords) {
      for (char& c : word) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
  }
  return true;
}

}  // namespace

Result<FieldSchema> parse_field_schema(const json::value& value) {
  auto failed = [](std::string message) { return Error{ErrorKind::kFormat, std::move(message)}; };
  const std::string not_a_schema =
      "data did not match any variant of untagged enum PayloadFieldSchema";
  std::string error;
  FieldSchema schema;
  const json::object* params = nullptr;
  std::string_view type_name;
  if (value.is_string()) {
    type_name = value.get_string();
  } else if (value.is_object()) {
    params = &value.get_object();
    const json::value* type = params->if_contains("type");
    if (type == nullptr || !type->is_string()) return failed(not_a_schema);
    type_name = type->get_string();
  } else {
    return failed(not_a_schema);
  }
  auto type = type_from_name(type_name);
  if (!type) return failed(not_a_schema);
  schema.type = *type;
  if (params == nullptr) return schema;
  // Flags of Qdrant's *IndexParams that do not change how Sextant indexes: taken and not kept,
  // but a wrong-typed one matches no variant of the schema, as in Qdrant.
  const bool tenant_flag = schema.type == FieldType::kKeyword || schema.type == FieldType::kUuid;
  const bool principal_flag = schema.type == FieldType::kInteger ||
                              schema.type == FieldType::kFloat ||
                              schema.type == FieldType::kDatetime;
  for (const char* flag : {"is_tenant", "is_principal", "on_disk", "enable_hnsw"}) {
    if ((flag == std::string_view("is_tenant") && !tenant_flag) ||
        (flag == std::string_view("is_principal") && !principal_flag))
      continue;
    bool ignored = false;
    if (!read_bool(*params, flag, ignored, error)) return failed(not_a_schema);
  }
  if (schema.type == FieldType::kInteger) {
    if (!read_bool(*params, "lookup", schema.integer_lookup, error) ||
        !read_bool(*params, "range", schema.integer_range, error)) {
      return failed(std::move(error));
    }
  }
  if (schema.type == FieldType::kText && !read_text_options(*params, schema.text, error)) {
    return failed(std::move(error));
  }
  return schema;
}

const char* field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kKeyword:
      return "keyword";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kFloat:
      return "float";
    case FieldType::kGeo:
      return "geo";
    case FieldType::kText:
      return "text";
    case FieldType::kBool:
      return "bool";
    case FieldType::kDatetime:
      return "datetime";
    case FieldType::kUuid:
      return "uuid";
  }
  return "keyword";
}

}  // namespace sextant::index::payload_index
