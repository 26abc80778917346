// Collections and aliases: create/get/update/delete, list, exists, alias actions.
// Every handler resolves aliases through storage, so an alias works wherever a name does.
#include "api/handlers/collection_handlers.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "api/config/collection_config.hpp"
#include "api/config/collection_config_json.hpp"
#include "api/handler_support.hpp"
#include "index/payload/json_path.hpp"
#include "storage/point_queries.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

// A map of names as Qdrant reports it: keys in byte order (its maps are ordered by key).
// Only the report is ordered; the stored configuration keeps the order vectors were made in.
void order_names(json::value* map) {
  if (!map || !map->is_object()) return;
  std::vector<std::pair<std::string, json::value>> entries;
  for (auto& [key, value] : map->get_object()) entries.emplace_back(key, std::move(value));
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json::object ordered;
  for (auto& [key, value] : entries) ordered[key] = std::move(value);
  *map = std::move(ordered);
}

// The collection's configuration as GET /collections/{c} reports it.
json::object reported_config_json(const storage::CollectionConfig& config) {
  json::object out = collection_config_json(config);
  if (auto* params = out.if_contains("params"); params && params->is_object()) {
    auto& fields = params->get_object();
    const bool named = fields.contains("vectors") && fields["vectors"].is_object() &&
                       !fields["vectors"].get_object().contains("size");
    if (named) order_names(fields.if_contains("vectors"));
    order_names(fields.if_contains("sparse_vectors"));
  }
  return out;
}

Result<json::value> get_collection(ApiContext& context, const std::string& name) {
  auto collection = context.storage.collection(name);
  if (!collection.ok()) return collection.error();
  const auto& c = *collection.value();
  auto stats = c.stats();
  json::object info;
  info["status"] = stats.indexing ? "yellow" : "green";
  info["optimizer_status"] = "ok";
  if (auto warnings = storage::collection_warnings(c.config()); !warnings.empty()) {
    json::array listed;
    for (auto& message : warnings) listed.push_back(json::object{{"message", std::move(message)}});
    info["warnings"] = std::move(listed);
  }
  info["indexed_vectors_count"] = stats.indexed_vectors_count;
  info["points_count"] = stats.points_count;
  info["segments_count"] = 1;
  info["config"] = reported_config_json(c.config());
  info["payload_schema"] = payload_schema_json(c);
  info["update_queue"] = json::object{{"length", stats.pending_updates}};
  return json::value(std::move(info));
}

Result<json::value> create_collection(ApiContext& context, Request& request) {
  const std::string& name = request.path_params[0];
  if (auto st = validate_collection_name_param(name); !st.ok()) return st.error();
  auto timeout = uint_query(request, "timeout");
  if (!timeout.ok()) return timeout.error();
  auto body = parse_object_body(request, true);
  if (!body.ok()) return body.error();
  auto config = config_from_create_body(body.value(), context.config);
  if (!config.ok()) return config.error();
  if (auto st = context.storage.create_collection(name, config.value()); !st.ok())
    return st.error();
  return json::value(true);
}

Result<json::value> update_collection(ApiContext& context, Request& request) {
  const std::string& name = request.path_params[0];
  auto body = parse_object_body(request, true);
  if (!body.ok()) return body.error();
  auto resolved = context.storage.resolve(name);
  if (!resolved) return Error::collection_not_found(name);
  auto collection = context.storage.collection(*resolved);
  if (!collection.ok()) return collection.error();
  auto update = parse_update_body(body.value());
  if (!update.ok()) return update.error();
  auto updated = storage::apply_update(collection.value()->config(), update.value());
  if (!updated.ok()) return updated.error();
  if (auto st = context.storage.update_collection_config(*resolved, updated.value()); !st.ok())
    return st.error();
  // A new strict-mode configuration starts the rate limiters again, as Qdrant's does.
  if (update->strict_mode_config) context.rate_limits->reset(collection.value()->directory());
  return json::value(true);
}

Result<json::value> update_aliases(ApiContext& context, Request& request) {
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto actions = body->if_contains("actions");
  if (!actions) return Error::format("missing field `actions`");
  if (!actions->is_array()) return Error::format("invalid type: expected a sequence for `actions`");
  std::vector<storage::AliasAction> parsed;
  auto text = [](const json::object& o, const char* key) -> Result<std::string> {
    auto v = o.if_contains(key);
    if (!v) return Error::format(std::string("missing field `") + key + "`");
    if (!v->is_string())
      return Error::format(std::string("invalid type for `") + key + "`: expected a string");
    return std::string(v->get_string());
  };
  for (const auto& action : actions->get_array()) {
    if (!action.is_object() || action.get_object().size() != 1)
      return Error::format("data did not match any variant of untagged enum AliasOperations");
    const auto& [kind, args_value] = *action.get_object().begin();
    if (!args_value.is_object())
      return Error::format("data did not match any variant of untagged enum AliasOperations");
    const auto& args = args_value.get_object();
    storage::AliasAction a{};
    if (kind == "create_alias") {
      a.kind = storage::AliasAction::Kind::kCreate;
      auto c = text(args, "collection_name");
      auto n = text(args, "alias_name");
      if (!c.ok()) return c.error();
      if (!n.ok()) return n.error();
      a.collection_name = c.value();
      a.alias_name = n.value();
    } else if (kind == "delete_alias") {
      a.kind = storage::AliasAction::Kind::kDelete;
      auto n = text(args, "alias_name");
      if (!n.ok()) return n.error();
      a.alias_name = n.value();
    } else if (kind == "rename_alias") {
      a.kind = storage::AliasAction::Kind::kRename;
      auto o = text(args, "old_alias_name");
      auto n = text(args, "new_alias_name");
      if (!o.ok()) return o.error();
      if (!n.ok()) return n.error();
      a.alias_name = o.value();
      a.new_alias_name = n.value();
    } else {
      return Error::format("data did not match any variant of untagged enum AliasOperations");
    }
    parsed.push_back(std::move(a));
  }
  if (auto st = context.storage.update_aliases(parsed); !st.ok()) return st.error();
  return json::value(true);
}

// With a per-collection JWT, the collections the token names; nullopt: every collection.
std::optional<std::vector<std::string>> visible_collections(const Request& request) {
  if (!request.jwt_access_json) return std::nullopt;
  boost::system::error_code ec;
  json::value access = json::parse(*request.jwt_access_json, ec);
  if (ec || !access.is_array()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& entry : access.get_array())
    if (entry.is_object())
      if (auto c = entry.get_object().if_contains("collection"); c && c->is_string())
        names.emplace_back(c->get_string());
  return names;
}

bool visible(const std::optional<std::vector<std::string>>& names, const std::string& name) {
  return !names || std::find(names->begin(), names->end(), name) != names->end();
}

json::value aliases_json(const std::vector<std::pair<std::string, std::string>>& aliases,
                         const std::string* only_collection) {
  json::array list;
  for (const auto& [alias, collection] : aliases) {
    if (only_collection && collection != *only_collection) continue;
    list.push_back(json::object{{"alias_name", alias}, {"collection_name", collection}});
  }
  return json::object{{"aliases", std::move(list)}};
}

}  // namespace

json::object payload_schema_json(const storage::Collection& collection) {
  json::object schema;
  for (const auto& [field, field_schema] : collection.payload_index_schemas()) {
    json::object entry;
    const auto& fs = field_schema.as_object();
    if (auto type = fs.if_contains("type")) entry["data_type"] = *type;
    json::object params = fs;
    if (params.size() > 1) entry["params"] = params;
    entry["points"] = collection.payload_indexes().points_count(std::string(field)).value_or(0);
    schema[field] = std::move(entry);
  }
  return schema;
}

void register_collection_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kGet, "/collections", [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  json::array list;
                  auto names = visible_collections(r);
                  for (const auto& name : ctx->storage.collection_names())
                    if (visible(names, name)) list.push_back(json::object{{"name", name}});
                  return json::value(json::object{{"collections", std::move(list)}});
                });
              }});
  router.add({HttpMethod::kGet, "/aliases", [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  auto names = visible_collections(r);
                  auto aliases = ctx->storage.aliases();
                  std::erase_if(aliases, [&](const auto& a) { return !visible(names, a.second); });
                  return aliases_json(aliases, nullptr);
                });
              }});
  router.add({HttpMethod::kPost, "/collections/aliases",
              [ctx](Request& r) { return respond([&] { return update_aliases(*ctx, r); }); },
              true});
  router.add({HttpMethod::kGet, "/collections/{collection_name}", [ctx](Request& r) {
                return respond([&] { return get_collection(*ctx, r.path_params[0]); });
              }});
  router.add({HttpMethod::kPut, "/collections/{collection_name}",
              [ctx](Request& r) { return respond([&] { return create_collection(*ctx, r); }); },
              true});
  router.add({HttpMethod::kPatch, "/collections/{collection_name}",
              [ctx](Request& r) { return respond([&] { return update_collection(*ctx, r); }); },
              true});
  router.add({HttpMethod::kDelete, "/collections/{collection_name}",
              [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  auto timeout = uint_query(r, "timeout");
                  if (!timeout.ok()) return timeout.error();
                  auto resolved = ctx->storage.resolve(r.path_params[0]);
                  auto deleted = ctx->storage.delete_collection(r.path_params[0]);
                  if (!deleted.ok()) return deleted.error();
                  if (deleted.value() && resolved && ctx->issues) {
                    ctx->issues->solve_collection(*resolved);
                  }
                  return json::value(deleted.value());
                });
              },
              true});
  router.add({HttpMethod::kGet, "/collections/{collection_name}/exists", [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  bool exists = ctx->storage.collection(r.path_params[0]).ok();
                  return json::value(json::object{{"exists", exists}});
                });
              }});
  router.add({HttpMethod::kGet, "/collections/{collection_name}/aliases", [ctx](Request& r) {
                return respond([&]() -> Result<json::value> {
                  // As Qdrant: no existence check; a missing collection has no aliases.
                  auto resolved = ctx->storage.resolve(r.path_params[0]).value_or(r.path_params[0]);
                  return aliases_json(ctx->storage.aliases(), &resolved);
                });
              }});
}

}  // namespace sextant::api
