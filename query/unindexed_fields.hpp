// Which payload fields a filter reads without a payload index that could serve it: the
// analysis behind the UNINDEXED_FIELD issue (/issues), with Qdrant's rules:
//   match value: keyword (and uuid when the string is a UUID), integer or bool by the value;
//   match text / text_any: text; phrase: text with phrase_matching; prefix: keyword with prefix;
//   match any / except: by the list's type (an empty list needs no index);
//   range: float or integer (datetime range: datetime); geo_*: geo;
//   values_count, is_empty, is_null: any index.
// A field whose index has one of the needed capabilities is not reported (an integer index
// with lookup or range switched off lacks that capability). Nested conditions report
// `key[].inner`. Has-id, has-vector and slice conditions need no index.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "index/filter/filter.hpp"

namespace sextant::query {

struct UnindexedField {
  std::string key;  // the field path as written (nested: prefix[].key)
  // The payload index schemas that would serve it, in Qdrant's FieldIndexType order, each as
  // create_payload_index's `field_schema` ("keyword", or {"type": "keyword", "prefix": true}).
  std::vector<boost::json::value> schemas;
};

// `payload_schema`: field name -> its index schema, as stored by create_payload_index.
// Fields in first-seen order, each once.
std::vector<UnindexedField> unindexed_fields(const index::filter::Filter& filter,
                                             const boost::json::object& payload_schema);

}  // namespace sextant::query
