// A payload key path in Qdrant's syntax: `country.cities[].population`, `a[0].b`, `"dotted.key".x`.
// The first segment is always a key; then `.key`, `."quoted key"`, `[N]` (one array element) or
// `[]` (every array element). A key without `[]` does not descend into arrays: `a.b` finds nothing
// when `a` is an array of objects (Qdrant's v2 path semantics).
//
// Reading is allocation-free: for_each_value() visits every value the path reaches, in document
// order, and stops early when the visitor returns false.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::index::payload {

struct JsonPathItem {
  enum class Kind { kKey, kIndex, kWildcard };
  Kind kind = Kind::kKey;
  std::string key;   // kKey
  size_t index = 0;  // kIndex

  friend bool operator==(const JsonPathItem&, const JsonPathItem&) = default;
};

struct JsonPath {
  std::string first_key;
  std::vector<JsonPathItem> rest;

  // nullopt when the text is not a valid path (empty, dangling dot, unclosed quote or bracket).
  static std::optional<JsonPath> parse(std::string_view text);
  // Canonical text: keys that need it are quoted, e.g. `a."b.c"[]`.
  std::string to_string() const;

  // `a.b` -> `a.b[]` (no change when it already ends in `[]`); nested conditions use this.
  JsonPath array_key() const;
  bool has_wildcard_suffix() const;
  // `a.b[]` -> `a.b`.
  JsonPath strip_wildcard_suffix() const;
  // When this path starts with `prefix` followed by a key, the remainder as a path
  // (`a[].b.c` minus `a[]` is `b.c`); nullopt otherwise.
  std::optional<JsonPath> strip_prefix(const JsonPath& prefix) const;
  // Appends `other` as a key continuation: `a[]` + `b.c` = `a[].b.c`.
  JsonPath extend(const JsonPath& other) const;
  // True when one path is a prefix of the other, treating `[N]` and `[]` as compatible.
  bool compatible(const JsonPath& other) const;

  friend bool operator==(const JsonPath&, const JsonPath&) = default;
};

namespace detail {

template <typename Visitor>
bool visit_path(const JsonPathItem* item, const JsonPathItem* end, const boost::json::value& value,
                Visitor& visitor) {
  if (item == end) return visitor(value);
  switch (item->kind) {
    case JsonPathItem::Kind::kKey: {
      const boost::json::object* object = value.if_object();
      if (object == nullptr) return true;
      const boost::json::value* child = object->if_contains(item->key);
      return child == nullptr || visit_path(item + 1, end, *child, visitor);
    }
    case JsonPathItem::Kind::kIndex: {
      const boost::json::array* array = value.if_array();
      if (array == nullptr || item->index >= array->size()) return true;
      return visit_path(item + 1, end, (*array)[item->index], visitor);
    }
    case JsonPathItem::Kind::kWildcard: {
      const boost::json::array* array = value.if_array();
      if (array == nullptr) return true;
      for (const boost::json::value& element : *array) {
        if (!visit_path(item + 1, end, element, visitor)) return false;
      }
      return true;
    }
  }
  return true;
}

}  // namespace detail

// Qdrant's set-payload write: merges `values` into the object(s) at `path` (into `payload` itself
// when `path` is null). Missing or non-object intermediates become objects, a key followed by `[]`
// that is not an array becomes an empty array, `[N]` past the end changes nothing; a null in
// `values` removes that key.
void set_values_at(const JsonPath* path, boost::json::object& payload,
                   const boost::json::object& values);

// Removes what `path` reaches: a key (`a.b`), a key inside every element (`a[].b`), the elements
// of an array (`a[]` leaves `[]`). A trailing `[N]` removes nothing (not idempotent).
void remove_values_at(const JsonPath& path, boost::json::object& payload);

// `with_payload` include: keeps the nodes whose path is a prefix of some pattern or has one as
// a prefix (`[]` patterns step into arrays; a key pattern does not match array elements).
boost::json::object include_paths(const boost::json::object& payload,
                                  const std::vector<JsonPath>& patterns);
// `with_payload` exclude: drops every node some pattern is a prefix of.
boost::json::object exclude_paths(const boost::json::object& payload,
                                  const std::vector<JsonPath>& patterns);

// Single-path forms of the two above: the payload reduced to `path` (an object), and the payload
// with `key` excluded in place (an unparsable key changes nothing).
boost::json::value project_path(const JsonPath& path, const boost::json::object& payload);
void remove_path_from(boost::json::object& payload, std::string_view key);

// Calls visitor(const boost::json::value&) for each value at `path` (a JSON null stored at the
// path is visited; a missing key is not). The visitor returns false to stop. Returns false when
// stopped early.
template <typename Visitor>
bool for_each_value(const JsonPath& path, const boost::json::object& payload, Visitor&& visitor) {
  const boost::json::value* first = payload.if_contains(path.first_key);
  if (first == nullptr) return true;
  return detail::visit_path(path.rest.data(), path.rest.data() + path.rest.size(), *first, visitor);
}

}  // namespace sextant::index::payload
