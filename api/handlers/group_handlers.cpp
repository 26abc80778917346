#include "api/handlers/group_handlers.hpp"

#include <boost/json/parse.hpp>

#include "api/handler_support.hpp"
#include "api/handlers/query_lookup.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/group_request.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/validation_path.hpp"
#include "api/strict_mode/strict_mode_gate.hpp"
#include "api/write/point_json.hpp"
#include "query/group_queries.hpp"

namespace sextant::api {
namespace json = boost::json;
using query::GroupKey;
using query::GroupQuery;
using query::PointGroup;

namespace {

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
  if (!parsed.ok())
    return with_body_path(parsed.error(), endpoint == GroupEndpoint::kRecommend
                                              ? "recommend_group_request."
                                              : "search_group_request.");
  GroupsRequest& groups_request = parsed.value();
  if (groups_request.lookup) {
    if (auto st = check_lookup_access(request, groups_request.lookup->collection); !st.ok())
      return st.error();
  }

  {
    // Strict mode sees the plan with Qdrant's limit for groups: groups x group_size.
    query::QueryPlan checked = groups_request.query.plan;
    checked.limit = groups_request.query.groups_limit * groups_request.query.group_size;
    const std::string group_by = groups_request.query.group_by.to_string();
    if (auto st = strict_mode::gate_query_plans(*context.rate_limits, *collection.value(), request,
                                                {&checked}, std::nullopt,
                                                endpoint == GroupEndpoint::kQuery, &group_by);
        !st.ok())
      return st.error();
  }
  auto shard_view = read_view_for(*collection.value(), body.value());
  if (!shard_view.ok()) return shard_view.error();
  auto view = shard_view.value();
  if (auto st = attach_lookups(context, *collection.value(), view, groups_request.query.plan);
      !st.ok())
    return st.error();
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
    add_shard_keys(hits, *collection.value(), *view);
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
