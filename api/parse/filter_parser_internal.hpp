// Pieces shared by the filter parser's translation units: serde-style error wording and the
// field-condition parser. Internal to api/parse/filter_parser*; not for other callers.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/filter/filter.hpp"

namespace sextant::api::filter_parsing {

// One deserialisation step: `error` holds serde's message once something failed.
struct Parse {
  std::string error;
  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }
};

// Joins pieces into one string (GCC 12 misreports `"literal" + std::string` chains).
inline std::string concat(std::initializer_list<std::string_view> pieces) {
  std::string out;
  for (std::string_view piece : pieces) out.append(piece.data(), piece.size());
  return out;
}

// serde's description of an unexpected value, and its "invalid type" message.
std::string describe(const boost::json::value& v);
std::string invalid_type(const boost::json::value& v, const std::string& expected);

bool parse_path(const boost::json::value& v, index::filter::JsonPath& out, Parse& p);
bool parse_usize(const boost::json::value& v, uint64_t& out, Parse& p);
bool require(const boost::json::object& o, const char* name, const boost::json::value*& out,
             Parse& p);
// An integer that fits int64 (not a float).
std::optional<int64_t> as_i64(const boost::json::value& v);

// `{"key": ..., "match" | "range" | "geo_*" | "values_count" | "is_empty" | "is_null": ...}`;
// `o` has a string "key".
bool parse_field_condition(const boost::json::object& o, index::filter::FieldCondition& out,
                           Parse& p);

// Rule checks after parsing: appends "path: message" for each violation.
void validate_filter(const index::filter::Filter& filter, const std::string& path,
                     std::vector<std::string>& violations);

}  // namespace sextant::api::filter_parsing
