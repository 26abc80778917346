// The typed form of a payload index's `field_schema` (PUT /collections/{c}/index): the index type
// and the options that change what it matches. Storage-placement options (on_disk, memory,
// is_tenant, is_principal, enable_hnsw) are accepted and ignored: every index lives in memory.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::index::payload_index {

enum class FieldType { kKeyword, kInteger, kFloat, kGeo, kText, kBool, kDatetime, kUuid };

enum class Tokenizer { kWord, kWhitespace, kPrefix, kMultilingual };

struct TextOptions {
  Tokenizer tokenizer = Tokenizer::kWord;
  bool lowercase = true;
  bool phrase_matching = false;
  std::optional<uint64_t> min_token_len;
  std::optional<uint64_t> max_token_len;
  std::vector<std::string> stopwords;  // lowercase when `lowercase`; empty: none
};

struct FieldSchema {
  FieldType type = FieldType::kKeyword;
  bool integer_lookup = true;  // integer: match value / any
  bool integer_range = true;   // integer: range
  TextOptions text;
};

// "keyword" | ... | {"type": "text", "tokenizer": ..., ...}. On failure, a kFormat Error whose
// message is Qdrant's text without its prefix (callers wrap it in the Error they report).
Result<FieldSchema> parse_field_schema(const boost::json::value& json);

// "keyword", "integer", ... as payload_schema reports `data_type`.
const char* field_type_name(FieldType type);

}  // namespace sextant::index::payload_index
