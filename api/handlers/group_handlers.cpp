#include "api/handlers/group_handlers.hpp"

#include <boost/json/parse.hpp>

#include "api/handler_support.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/query_request.hpp"
#include "api/write/point_json.hpp"
#include "query/group_queries.hpp"

namespace sextant::api {
namespace json = boost::json;
using query::GroupKey;
using query::GroupQuery;
using query::PointGroup;

namespace {

// The three bodies differ in their source query and in how strictly Qdrant reads the group
// fields: /query/groups has defaults (limit 10, group_size 3); the legacy routes require both as
// u32; only recommend/groups skips the `>= 1` validation (Qdrant does not validate it there, so
// 0 simply finds no group).
enum class GroupEndpoint { kQuery, kSearch, kRecommend };

constexpr size_t kDefaultGroupsLimit = 10;
constexpr size_t kDefaultGroupSize = 3;
// Where Qdrant's validator reports the group fields (the flattened request structs).
constexpr const char* kValidationLabel = "search_group_request.group_request.";

struct GroupLookup {
  std::string collection;
  PayloadSelector with_payload;
  storage::VectorSelection with_vectors;
};

struct GroupsRequest {
  GroupQuery query;
  PayloadSelector with_payload;
  storage::VectorSelection with_vector;
  std::optional<GroupLookup> lookup;
};

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

// With a per-collection JWT, the lookup collection must be one the token names (Qdrant checks
// `with_lookup` like the searched collection itself).
Status check_lookup_access(const Request& request, const std::string& collection) {
  if (!request.jwt_access_json) return {};
  boost::system::error_code ec;
  json::value access = json::parse(*request.jwt_access_json, ec);
  if (ec || !access.is_array()) return {};  // global access
  for (const auto& entry : access.get_array()) {
    const json::object* grant = entry.if_object();
    const json::value* name = grant ? grant->if_contains("collection") : nullptr;
    if (name && name->is_string() && name->get_string() == collection) return {};
  }
  return Error{ErrorKind::kForbidden,
               "Forbidden: Access to collection " + collection + " is required"};
}

json::value group_id_json(const GroupKey& id) {
  return std::visit([](const auto& value) { return json::value(value); }, id);
}

Result<json::value> groups_route(ApiContext& context, Request& request, GroupEndpoint endpoint) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto parsed = parse_groups_request(body.value(), endpoint, context.inference);
  if (!parsed.ok()) return parsed.error();
  const GroupsRequest& groups_request = parsed.value();
  if (groups_request.lookup) {
    if (auto st = check_lookup_access(request, groups_request.lookup->collection); !st.ok())
      return st.error();
  }

  auto view = collection.value()->view();
  auto groups =
      query::execute_group_query(*collection.value(), *view, groups_request.query, context.pool);
  if (!groups.ok()) return groups.error();

  std::shared_ptr<const storage::ReadView> lookup_view;
  storage::ReadOptions lookup_options;
  if (const auto& lookup = groups_request.lookup) {
    auto other = context.storage.collection(lookup->collection);
    if (!other.ok()) return Error::not_found("Collection " + lookup->collection + " not found");
    lookup_view = other.value()->view();
    lookup_options = {lookup->with_payload.enabled, lookup->with_vectors};
  }

  const storage::ReadOptions hit_options{groups_request.with_payload.enabled,
                                         groups_request.with_vector};
  auto reader = view->reader();
  json::array out;
  out.reserve(groups->size());
  for (const PointGroup& group : groups.value()) {
    json::array hits;
    hits.reserve(group.hits.size());
    for (const auto& hit : group.hits) {
      auto record = storage::read_point(reader, hit.offset, hit_options);
      hits.push_back(scored_point_json(record, hit.score, groups_request.with_payload,
                                       groups_request.with_vector.any()));
    }
    json::object entry{{"hits", std::move(hits)}, {"id", group_id_json(group.id)}};
    if (lookup_view) {
      auto record = query::lookup_group_point(*lookup_view, group.id, lookup_options);
      if (record)
        entry["lookup"] = record_json(*record, groups_request.lookup->with_payload,
                                      groups_request.lookup->with_vectors.any());
    }
    out.push_back(std::move(entry));
  }
  return json::value(json::object{{"groups", std::move(out)}});
}

}  // namespace

void register_group_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  const std::pair<const char*, GroupEndpoint> routes[] = {
      {"/collections/{collection_name}/points/query/groups", GroupEndpoint::kQuery},
      {"/collections/{collection_name}/points/search/groups", GroupEndpoint::kSearch},
      {"/collections/{collection_name}/points/recommend/groups", GroupEndpoint::kRecommend},
  };
  for (const auto& [path, endpoint] : routes) {
    Route route;
    route.method = HttpMethod::kPost;
    route.pattern = path;
    route.handler = [ctx, endpoint = endpoint](Request& r) {
      return respond([&] { return groups_route(*ctx, r, endpoint); });
    };
    router.add(std::move(route));
  }
}

}  // namespace sextant::api
