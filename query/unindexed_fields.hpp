// Which payload fields a filter reads without a payload index that could serve it: the one
// analysis behind both the UNINDEXED_FIELD issue (/issues) and strict mode's
// `unindexed_filtering_retrieve` / `_update` refusals, with Qdrant's rules:
//   match value: keyword (and uuid when the string is a UUID), integer or bool by the value;
//   match text / text_any: text; phrase: text with phrase_matching; prefix: keyword with prefix;
//   match any / except: by the list's type (uuid too only when every string is a UUID; an empty
//   list needs no index);
//   range: float or integer (datetime range: datetime); geo_*: geo;
//   values_count, is_empty, is_null: any index.
// A field whose index has one of the needed capabilities is not reported (an integer index
// with lookup or range switched off lacks that capability). Nested conditions report
// `key[].inner`. Has-id, has-vector and slice conditions need no index. Conditions are walked
// in Qdrant's order: must, must_not, should, min_should.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "index/filter/filter.hpp"

namespace sextant::query {

// What a payload index can answer (Qdrant's FieldIndexType, in its declaration order).
enum class IndexCapability {
  kIntMatch,
  kIntRange,
  kKeywordMatch,
  kKeywordPrefix,
  kFloatRange,
  kText,
  kTextPhrase,
  kBoolMatch,
  kUuidMatch,
  kUuidRange,
  kDatetimeRange,
  kGeo,
};

struct UnindexedField {
  std::string key;  // the field path as written (nested: prefix[].key)
  // The capabilities any of which would serve it (each condition's in FieldIndexType order),
  // each once.
  std::vector<IndexCapability> capabilities;
  // The payload index schemas that would serve it, in the same order, each as
  // create_payload_index's `field_schema` ("keyword", or {"type": "keyword", "prefix": true}).
  std::vector<boost::json::value> schemas;
};

// `payload_schema`: field name -> its index schema, as stored by create_payload_index.
// Every unindexed field, in first-seen order, each once.
std::vector<UnindexedField> unindexed_fields(const index::filter::Filter& filter,
                                             const boost::json::object& payload_schema);

// The first unindexed field, as strict mode reports it (Qdrant's one_unindexed_key: the walk
// stops after the first top-level condition that yields one); none when every field is served.
std::optional<UnindexedField> first_unindexed_field(const index::filter::Filter& filter,
                                                    const boost::json::object& payload_schema);

}  // namespace sextant::query
