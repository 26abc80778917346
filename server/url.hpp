// Request-target handling: splitting "/path?query", percent-decoding, and query-string parsing
// the way actix's Path and serde_urlencoded Query extractors see them.
//
// Query decoding maps '+' to a space; path decoding does not.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::server {

struct RequestTarget {
  std::string_view raw_path;   // before '?', still percent-encoded
  std::string_view raw_query;  // after '?', empty if none
};

RequestTarget split_target(std::string_view target);

// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' '. Returns std::nullopt when an
// escape is malformed ("%G1", "%4") or the result is not valid UTF-8.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Collapses repeated slashes and drops a trailing slash, as actix's NormalizePath::trim does
// ("/collections//a/" -> "/collections/a"). The result is still percent-encoded.
std::string normalize_path(std::string_view raw_path);

// Decodes escapes for route matching, except "%2F", which stays encoded so that an encoded
// slash inside a collection name cannot split a path segment. Malformed escapes stay verbatim.
std::string decode_path_for_matching(std::string_view path);

// Final decoding of one matched segment (turns a kept "%2F" into '/').
std::string decode_path_segment(std::string_view segment);

// Parses "a=1&b=x%20y&flag" into {a:"1", b:"x y", flag:""}. A repeated name keeps the last
// value. Returns std::nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view raw_query);

}  // namespace sextant::server
