// Writing, removing and selecting payload values by key path, with Qdrant's rules for each (see
// json_path.hpp). Selection walks the payload once, naming each node by the path that reaches it
// (`[]` for array elements) and keeping or dropping it by the patterns.
#include <algorithm>

#include "index/payload/json_path.hpp"

namespace sextant::index::payload {
namespace {

namespace json = boost::json;

void merge_into(json::object& dest, const json::object& values) {
  for (const auto& [key, value] : values) {
    if (value.is_null()) {
      dest.erase(key);
    } else {
      dest[key] = value;
    }
  }
}

void set_in_value(const JsonPathItem* item, const JsonPathItem* end, json::value& dest,
                  const json::object& values);

void set_in_object(const std::string& key, const JsonPathItem* item, const JsonPathItem* end,
                   json::object& dest, const json::object& values) {
  json::value* child = dest.if_contains(key);
  if (child == nullptr) child = &dest.emplace(key, nullptr).first->value();
  set_in_value(item, end, *child, values);
}

void set_in_value(const JsonPathItem* item, const JsonPathItem* end, json::value& dest,
                  const json::object& values) {
  if (item == end) {
    if (!dest.is_object()) dest = json::object();
    merge_into(dest.get_object(), values);
    return;
  }
  switch (item->kind) {
    case JsonPathItem::Kind::kKey:
      if (!dest.is_object()) dest = json::object();
      set_in_object(item->key, item + 1, end, dest.get_object(), values);
      return;
    case JsonPathItem::Kind::kIndex:
      if (!dest.is_array()) dest = json::array();
      if (item->index < dest.get_array().size()) {
        set_in_value(item + 1, end, dest.get_array()[item->index], values);
      }
      return;
    case JsonPathItem::Kind::kWildcard:
      if (!dest.is_array()) {
        dest = json::array();
        return;
      }
      for (json::value& element : dest.get_array()) set_in_value(item + 1, end, element, values);
      return;
  }
}

void remove_in(const JsonPathItem& head, const JsonPathItem* rest, const JsonPathItem* end,
               json::value& value) {
  const bool last = rest == end;
  if (head.kind == JsonPathItem::Kind::kKey) {
    json::object* object = value.if_object();
    if (object == nullptr) return;
    if (last) {
      object->erase(head.key);
    } else if (json::value* child = object->if_contains(head.key)) {
      remove_in(*rest, rest + 1, end, *child);
    }
    return;
  }
  json::array* array = value.if_array();
  if (array == nullptr) return;
  if (head.kind == JsonPathItem::Kind::kIndex) {
    if (!last && head.index < array->size()) remove_in(*rest, rest + 1, end, (*array)[head.index]);
    return;
  }
  if (last) {
    array->clear();
    return;
  }
  for (json::value& element : *array) remove_in(*rest, rest + 1, end, element);
}

// The path of the node being visited: first key plus steps (array elements are kWildcard).
struct NodePath {
  std::string_view first_key;
  std::vector<const JsonPathItem*> steps;
};

bool item_equal(const JsonPathItem& pattern, const JsonPathItem& step) {
  if (pattern.kind != step.kind) return false;
  if (pattern.kind == JsonPathItem::Kind::kKey) return pattern.key == step.key;
  if (pattern.kind == JsonPathItem::Kind::kIndex) return pattern.index == step.index;
  return true;
}

// Pattern and node agree on every step they both have.
bool include_matches(const JsonPath& pattern, const NodePath& node) {
  if (pattern.first_key != node.first_key) return false;
  size_t common = std::min(pattern.rest.size(), node.steps.size());
  for (size_t i = 0; i < common; ++i) {
    if (!item_equal(pattern.rest[i], *node.steps[i])) return false;
  }
  return true;
}

// The pattern is a prefix of the node.
bool exclude_matches(const JsonPath& pattern, const NodePath& node) {
  if (pattern.first_key != node.first_key || pattern.rest.size() > node.steps.size()) return false;
  for (size_t i = 0; i < pattern.rest.size(); ++i) {
    if (!item_equal(pattern.rest[i], *node.steps[i])) return false;
  }
  return true;
}

template <typename Keep>
json::value filter_node(NodePath& node, const json::value& value, const Keep& keep) {
  static const JsonPathItem kElement{JsonPathItem::Kind::kWildcard, {}, 0};
  if (const json::array* array = value.if_array()) {
    json::array out;
    node.steps.push_back(&kElement);
    for (const json::value& element : *array) {
      if (keep(node)) out.push_back(filter_node(node, element, keep));
    }
    node.steps.pop_back();
    return out;
  }
  if (const json::object* object = value.if_object()) {
    json::object out;
    for (const auto& [key, child] : *object) {
      JsonPathItem step{JsonPathItem::Kind::kKey, std::string(key), 0};
      node.steps.push_back(&step);
      if (keep(node)) out[key] = filter_node(node, child, keep);
      node.steps.pop_back();
    }
    return out;
  }
  return value;
}

template <typename Keep>
json::object filter_payload(const json::object& payload, const Keep& keep) {
  json::object out;
  NodePath node;
  for (const auto& [key, value] : payload) {
    node.first_key = key;
    node.steps.clear();
    if (keep(node)) out[key] = filter_node(node, value, keep);
  }
  return out;
}

}  // namespace

void set_values_at(const JsonPath* path, json::object& payload, const json::object& values) {
  if (path == nullptr) {
    merge_into(payload, values);
    return;
  }
  set_in_object(path->first_key, path->rest.data(), path->rest.data() + path->rest.size(), payload,
                values);
}

void remove_values_at(const JsonPath& path, json::object& payload) {
  if (path.rest.empty()) {
    payload.erase(path.first_key);
    return;
  }
  json::value* first = payload.if_contains(path.first_key);
  if (first == nullptr) return;
  const JsonPathItem* begin = path.rest.data();
  remove_in(*begin, begin + 1, begin + path.rest.size(), *first);
}

json::object include_paths(const json::object& payload, const std::vector<JsonPath>& patterns) {
  return filter_payload(payload, [&](const NodePath& node) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const JsonPath& pattern) { return include_matches(pattern, node); });
  });
}

json::object exclude_paths(const json::object& payload, const std::vector<JsonPath>& patterns) {
  return filter_payload(payload, [&](const NodePath& node) {
    return std::none_of(patterns.begin(), patterns.end(),
                        [&](const JsonPath& pattern) { return exclude_matches(pattern, node); });
  });
}

json::value project_path(const JsonPath& path, const json::object& payload) {
  return include_paths(payload, {path});
}

void remove_path_from(json::object& payload, std::string_view key) {
  auto path = JsonPath::parse(key);
  if (!path) return;
  payload = exclude_paths(payload, {*path});
}

}  // namespace sextant::index::payload
