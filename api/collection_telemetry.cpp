// Assembly of the per-collection telemetry entries.
#include "api/collection_telemetry.hpp"

#include <boost/json.hpp>

#include "api/config/collection_config_json.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

json::object storage_json(const storage::CollectionStats& stats) {
  return json::object{{"map_size_bytes", stats.map_size_bytes},
                      {"data_bytes", stats.data_bytes},
                      {"map_growths", stats.map_growths},
                      {"environment_reopens", stats.environment_reopens}};
}

// Qdrant's CollectionConfigTelemetry: the collection config without strict mode and metadata,
// plus the (absent) uuid.
json::object config_telemetry(const storage::CollectionConfig& config) {
  json::object out = collection_config_json(config);
  out.erase("strict_mode_config");
  out.erase("metadata");
  out["uuid"] = nullptr;
  return out;
}

json::object local_shard_json(const storage::Collection& collection,
                              const storage::CollectionStats& stats) {
  const storage::IndexingSnapshot runs = collection.indexing_status().log;
  json::object by_name;
  for (const auto& [name, count] : stats.vectors_by_name) by_name[name] = count;
  json::object optimizations{
      {"count", runs.runs_total},
      {"total_duration_micros", static_cast<uint64_t>(runs.runs_total_seconds * 1e6)}};
  json::object local;
  local["variant_name"] = "local shard";
  local["status"] = stats.indexing ? "yellow" : "green";
  local["total_optimized_points"] = stats.indexed_vectors_count;
  local["num_points"] = stats.points_count;
  local["num_vectors"] = stats.vectors_count;
  local["num_vectors_by_name"] = std::move(by_name);
  local["optimizations"] =
      json::object{{"status", "ok"}, {"optimizations", std::move(optimizations)}};
  local["async_scorer"] = false;
  local["update_queue"] = json::object{{"length", stats.pending_updates}};
  return local;
}

json::object shard_json(const storage::Collection& collection,
                        const storage::CollectionStats& stats) {
  json::object shard;
  shard["id"] = 0;
  shard["key"] = nullptr;
  shard["local"] = local_shard_json(collection, stats);
  shard["remote"] = json::array();
  shard["replicate_states"] = json::object{{"0", "Active"}};
  shard["partial_snapshot"] = json::object{
      {"ongoing_create_snapshot_requests", 0}, {"is_recovering", false}, {"recovery_timestamp", 0}};
  return shard;
}

}  // namespace

json::array collections_telemetry(storage::Storage& storage, int details_level) {
  json::array collections;
  if (details_level < 1) return collections;
  for (const auto& name : storage.collection_names()) {
    auto collection = storage.collection(name);
    if (!collection.ok()) continue;
    const storage::Collection& c = *collection.value();
    const storage::CollectionStats stats = c.stats();
    const storage::CollectionConfig config = c.config();
    json::object entry;
    if (details_level == 1) {
      entry["vectors"] = stats.vectors_count;
      entry["optimizers_status"] = "ok";
      entry["params"] = collection_config_json(config).at("params");
      collections.push_back(std::move(entry));
      continue;
    }
    entry["id"] = name;
    entry["init_time_ms"] = 0;
    entry["config"] = config_telemetry(config);
    if (details_level >= 3) {
      entry["shards"] = json::array{shard_json(c, stats)};
      entry["transfers"] = json::array();
      entry["resharding"] = json::array();
    }
    entry["storage"] = storage_json(stats);
    collections.push_back(std::move(entry));
  }
  return collections;
}

}  // namespace sextant::api
