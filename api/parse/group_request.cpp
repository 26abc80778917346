// Group route bodies (see group_request.hpp).
#include "api/parse/group_request.hpp"

#include "api/parse/json_numbers.hpp"
#include "index/payload/json_path.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr size_t kDefaultGroupsLimit = 10;
constexpr size_t kDefaultGroupSize = 3;
// Where Qdrant's validator reports the group fields inside the request (the flattened structs);
// the handler puts the request's own path in front (validation_path.hpp).
constexpr const char* kValidationLabel = "group_request.";

Result<index::payload::JsonPath> parse_group_by(const json::object& body) {
  auto value = body.if_contains("group_by");
  if (!value) return Error::format("missing field `group_by`");
  if (!value->is_string()) return Error::format("invalid type for `group_by`: expected a string");
  std::string text(value->get_string());
  auto path = index::payload::JsonPath::parse(text);
  if (!path) return Error::format("Invalid json path: '" + text + "'");
  return std::move(*path);
}

// `limit` or `group_size`: nullopt when absent or null (the caller applies the default or
// reports the missing field).
Result<std::optional<size_t>> parse_group_count(const json::object& body, const char* key,
                                                GroupEndpoint endpoint) {
  auto value = body.if_contains(key);
  const bool legacy = endpoint != GroupEndpoint::kQuery;
  if (!value) {
    if (legacy) return Error::format(std::string("missing field `") + key + "`");
    return std::optional<size_t>();
  }
  if (value->is_null()) {
    if (legacy)
      return Error::format(std::string("invalid type: null, expected u32 for `") + key + "`");
    return std::optional<size_t>();
  }
  auto count = json_uint(*value);
  if (!count)
    return Error::format(std::string("invalid type for `") + key + "`: expected " +
                         (legacy ? "u32" : "usize"));
  if (legacy && *count > UINT32_MAX)
    return Error::format("invalid value: integer `" + std::to_string(*count) + "`, expected u32");
  return std::optional<size_t>(static_cast<size_t>(*count));
}

Result<std::optional<GroupLookup>> parse_with_lookup(const json::object& body) {
  auto value = body.if_contains("with_lookup");
  if (!value || value->is_null()) return std::optional<GroupLookup>();
  GroupLookup lookup;
  if (value->is_string()) {
    lookup.collection = std::string(value->get_string());
    lookup.with_payload.enabled = true;
    return std::optional<GroupLookup>(std::move(lookup));
  }
  const json::object* spec = value->if_object();
  const json::value* collection = spec ? spec->if_contains("collection") : nullptr;
  if (!collection || !collection->is_string())
    return Error::format("data did not match any variant of untagged enum WithLookupInterface");
  lookup.collection = std::string(collection->get_string());
  auto payload = parse_with_payload(*spec, /*default_enabled=*/true);
  if (!payload.ok()) return payload.error();
  lookup.with_payload = payload.value();
  auto vectors = parse_with_vector(*spec, /*default_enabled=*/false);
  if (!vectors.ok()) return vectors.error();
  lookup.with_vectors = vectors.value();
  return std::optional<GroupLookup>(std::move(lookup));
}

// The body without the group fields, as the endpoint's plain request parser expects it.
Result<QueryRequest> parse_source(const json::object& body, GroupEndpoint endpoint,
                                  Inference* inference) {
  json::object source = body;
  for (const char* key : {"group_by", "group_size", "limit", "with_lookup", "offset"})
    source.erase(key);
  switch (endpoint) {
    case GroupEndpoint::kQuery:
      return parse_query_request(source, inference);
    case GroupEndpoint::kSearch:
      source["limit"] = 1;  // required by the plain parser; each round sets its own
      return parse_search_request(source);
    case GroupEndpoint::kRecommend:
      source["limit"] = 1;
      return parse_recommend_request(source, inference);
  }
  return Error::internal("unknown group endpoint");
}

}  // namespace

Result<GroupsRequest> parse_groups_request(const json::object& body, GroupEndpoint endpoint,
                                           Inference* inference) {
  GroupsRequest request;
  auto group_by = parse_group_by(body);
  if (!group_by.ok()) return group_by.error();
  auto group_size = parse_group_count(body, "group_size", endpoint);
  if (!group_size.ok()) return group_size.error();
  auto limit = parse_group_count(body, "limit", endpoint);
  if (!limit.ok()) return limit.error();
  auto lookup = parse_with_lookup(body);
  if (!lookup.ok()) return lookup.error();
  auto source = parse_source(body, endpoint, inference);
  if (!source.ok()) return source.error();

  request.query.plan = std::move(source->plan);
  request.query.group_by = std::move(group_by.value());
  request.query.group_size = group_size->value_or(kDefaultGroupSize);
  request.query.groups_limit = limit->value_or(kDefaultGroupsLimit);
  request.with_payload = source->with_payload;
  request.with_vector = source->with_vector;
  request.lookup = std::move(lookup.value());

  if (endpoint != GroupEndpoint::kRecommend) {
    std::string invalid;
    for (auto [key, value] : {std::pair{"group_size", request.query.group_size},
                              std::pair{"limit", request.query.groups_limit}}) {
      if (value >= 1) continue;
      if (!invalid.empty()) invalid += "; ";
      invalid += std::string(kValidationLabel) + key + ": value 0 invalid, must be 1 or larger";
    }
    if (!invalid.empty()) return Error::validation("[" + invalid + "]");
  }
  return request;
}

}  // namespace sextant::api
