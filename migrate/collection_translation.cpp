// plan_collection: CollectionInfo.config -> CreateCollection, payload_schema -> index requests.
#include "migrate/collection_translation.hpp"

#include <algorithm>

namespace sextant::migrate {

namespace json = boost::json;

json::value without_nulls(const json::value& value) {
  if (value.is_object()) {
    json::object cleaned;
    for (const auto& [key, member] : value.as_object()) {
      if (!member.is_null()) cleaned[key] = without_nulls(member);
    }
    return cleaned;
  }
  if (value.is_array()) {
    json::array cleaned;
    for (const auto& element : value.as_array()) cleaned.push_back(without_nulls(element));
    return cleaned;
  }
  return value;
}

namespace {

void copy_member(const json::object& from, const char* from_key, json::object* to,
                 const char* to_key) {
  if (auto* member = from.if_contains(from_key); member && !member->is_null()) {
    (*to)[to_key] = without_nulls(*member);
  }
}

}  // namespace

Result<CollectionPlan> plan_collection(const std::string& name, const json::value& info,
                                       const json::value& cluster) {
  const json::object* info_object = info.if_object();
  const json::value* config_value = info_object ? info_object->if_contains("config") : nullptr;
  const json::object* config = config_value ? config_value->if_object() : nullptr;
  const json::value* params_value = config ? config->if_contains("params") : nullptr;
  if (!params_value || !params_value->is_object()) {
    return Error::corrupted("collection " + name + ": the source reported no config.params");
  }
  const json::object& params = params_value->as_object();

  CollectionPlan plan;
  plan.name = name;
  json::object& body = plan.create_body;
  for (const char* key : {"vectors", "sparse_vectors", "shard_number", "sharding_method",
                          "replication_factor", "write_consistency_factor", "on_disk_payload"}) {
    copy_member(params, key, &body, key);
  }
  copy_member(*config, "hnsw_config", &body, "hnsw_config");
  copy_member(*config, "optimizer_config", &body, "optimizers_config");
  copy_member(*config, "wal_config", &body, "wal_config");
  copy_member(*config, "quantization_config", &body, "quantization_config");
  copy_member(*config, "strict_mode_config", &body, "strict_mode_config");
  copy_member(*config, "metadata", &body, "metadata");

  if (auto* schema = info_object->if_contains("payload_schema"); schema && schema->is_object()) {
    for (const auto& [field, description] : schema->as_object()) {
      const json::object* entry = description.if_object();
      if (!entry) continue;
      PayloadIndexRequest index;
      index.field_name = std::string(field);
      if (auto* index_params = entry->if_contains("params");
          index_params && index_params->is_object()) {
        index.field_schema = without_nulls(*index_params);
      } else if (auto* type = entry->if_contains("data_type"); type && type->is_string()) {
        index.field_schema = *type;
      } else {
        return Error::corrupted("collection " + name + ": payload index on " + index.field_name +
                                " has no data_type");
      }
      plan.payload_indexes.push_back(std::move(index));
    }
  }

  auto* method = params.if_contains("sharding_method");
  plan.custom_sharding = method && method->is_string() && method->as_string() == "custom";
  if (plan.custom_sharding && cluster.is_object()) {
    for (const char* list : {"local_shards", "remote_shards"}) {
      auto* shards = cluster.as_object().if_contains(list);
      if (!shards || !shards->is_array()) continue;
      for (const auto& shard : shards->as_array()) {
        auto* key = shard.is_object() ? shard.as_object().if_contains("shard_key") : nullptr;
        if (!key || key->is_null()) continue;
        if (std::find(plan.shard_keys.begin(), plan.shard_keys.end(), *key) ==
            plan.shard_keys.end()) {
          plan.shard_keys.push_back(*key);
        }
      }
    }
  }
  return plan;
}

}  // namespace sextant::migrate
