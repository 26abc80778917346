// set_up_collection and copy_aliases: the requests that give the target the source's shape.
#include "migrate/collection_setup.hpp"

#include <algorithm>
#include <map>

namespace sextant::migrate {

namespace json = boost::json;

namespace {

Result<std::vector<json::value>> existing_shard_keys(QdrantEndpoint& target,
                                                     const std::string& collection) {
  auto cluster = target.get("/collections/" + path_segment(collection) + "/cluster");
  if (!cluster.ok()) return cluster.error();
  auto plan = plan_collection(
      collection, json::object{{"config", {{"params", {{"sharding_method", "custom"}}}}}},
      *cluster);
  if (!plan.ok()) return plan.error();
  return plan->shard_keys;
}

Result<std::map<std::string, std::string>> aliases_of(QdrantEndpoint& endpoint) {
  auto answer = endpoint.get("/aliases");
  if (!answer.ok()) return answer.error();
  std::map<std::string, std::string> aliases;
  auto* list = answer->is_object() ? answer->as_object().if_contains("aliases") : nullptr;
  if (list && list->is_array()) {
    for (const auto& entry : list->as_array()) {
      const json::object& object = entry.as_object();
      aliases[std::string(object.at("alias_name").as_string())] =
          std::string(object.at("collection_name").as_string());
    }
  }
  return aliases;
}

}  // namespace

Status set_up_collection(QdrantEndpoint& target, const CollectionPlan& plan) {
  const std::string path = "/collections/" + path_segment(plan.name);
  auto exists = target.collection_exists(plan.name);
  if (!exists.ok()) return exists.error();
  if (!*exists) {
    auto created = target.put(path, plan.create_body);
    if (!created.ok()) return created.error();
  }
  for (const auto& index : plan.payload_indexes) {
    auto answer = target.put(
        path + "/index?wait=true",
        json::object{{"field_name", index.field_name}, {"field_schema", index.field_schema}});
    if (!answer.ok()) return answer.error();
  }
  if (plan.custom_sharding) {
    auto existing = existing_shard_keys(target, plan.name);
    if (!existing.ok()) return existing.error();
    for (const auto& key : plan.shard_keys) {
      if (std::find(existing->begin(), existing->end(), key) != existing->end()) continue;
      auto answer = target.put(path + "/shards", json::object{{"shard_key", key}});
      if (!answer.ok()) return answer.error();
    }
  }
  return {};
}

Result<size_t> copy_aliases(QdrantEndpoint& source, QdrantEndpoint& target,
                            const std::vector<std::string>& collections) {
  auto source_aliases = aliases_of(source);
  if (!source_aliases.ok()) return source_aliases.error();
  auto target_aliases = aliases_of(target);
  if (!target_aliases.ok()) return target_aliases.error();
  json::array actions;
  size_t selected = 0;
  for (const auto& [alias, collection] : *source_aliases) {
    if (std::find(collections.begin(), collections.end(), collection) == collections.end()) {
      continue;
    }
    ++selected;
    auto found = target_aliases->find(alias);
    if (found != target_aliases->end() && found->second == collection) continue;
    actions.push_back(
        json::object{{"create_alias", {{"alias_name", alias}, {"collection_name", collection}}}});
  }
  if (!actions.empty()) {
    auto answer = target.post("/collections/aliases", json::object{{"actions", actions}});
    if (!answer.ok()) return answer.error();
  }
  return selected;
}

}  // namespace sextant::migrate
