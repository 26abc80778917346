// The writer and parser of Qdrant's CollectionConfig JSON; see collection_config_json.hpp.
#include "api/config/collection_config_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/config/config_sections_json.hpp"
#include "api/parse/json_numbers.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

Status read_params(const json::object& in, storage::CollectionParams& params) {
  if (auto v = in.if_contains("vectors"); v && !v->is_null())
    if (auto st = parse_vectors_config(*v, params); !st.ok()) return st;
  for (auto [key, target] :
       {std::pair{"shard_number", &params.shard_number},
        std::pair{"replication_factor", &params.replication_factor},
        std::pair{"write_consistency_factor", &params.write_consistency_factor}}) {
    auto v = in.if_contains(key);
    if (!v || v->is_null()) continue;
    if (!json_uint(*v)) return type_error(std::string("params.") + key, "a nonzero u32");
    *target = *json_uint(*v);
  }
  for (auto [key, target] : {std::pair{"read_fan_out_factor", &params.read_fan_out_factor},
                             std::pair{"read_fan_out_delay_ms", &params.read_fan_out_delay_ms}}) {
    auto v = in.if_contains(key);
    if (!v || v->is_null()) continue;
    if (!json_uint(*v)) return type_error(std::string("params.") + key, "u32");
    *target = *json_uint(*v);
  }
  if (auto v = in.if_contains("sharding_method"); v && !v->is_null()) {
    if (!v->is_string()) return type_error("params.sharding_method", "a string");
    params.sharding_method = std::string(v->get_string());
  }
  if (auto v = in.if_contains("on_disk_payload"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error("params.on_disk_payload", "a boolean");
    params.on_disk_payload = v->get_bool();
  }
  if (auto v = in.if_contains("payload"); v && !v->is_null()) {
    auto payload = parse_payload_params(*v, "params.payload");
    if (!payload.ok()) return payload.error();
    params.payload = payload.value();
  }
  if (auto v = in.if_contains("sparse_vectors"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("params.sparse_vectors", "a map");
    params.sparse_vectors.emplace();
    for (const auto& [name, sparse] : v->get_object()) {
      auto parsed = parse_sparse_params(std::string(name), sparse);
      if (!parsed.ok()) return parsed.error();
      params.sparse_vectors->push_back(std::move(parsed.value()));
    }
  }
  return {};
}

json::object params_json(const storage::CollectionParams& params) {
  json::object out;
  out["vectors"] = vectors_config_json(params);
  out["shard_number"] = params.shard_number;
  out["replication_factor"] = params.replication_factor;
  out["write_consistency_factor"] = params.write_consistency_factor;
  if (params.sharding_method) out["sharding_method"] = *params.sharding_method;
  out["on_disk_payload"] = params.on_disk_payload;
  if (params.payload) out["payload"] = payload_params_json(*params.payload);
  if (params.sparse_vectors) {
    json::object sparse;
    for (const auto& vector : *params.sparse_vectors)
      sparse[vector.name] = sparse_params_json(vector);
    out["sparse_vectors"] = std::move(sparse);
  }
  if (params.read_fan_out_factor) out["read_fan_out_factor"] = *params.read_fan_out_factor;
  if (params.read_fan_out_delay_ms) out["read_fan_out_delay_ms"] = *params.read_fan_out_delay_ms;
  return out;
}

}  // namespace

json::object collection_config_json(const storage::CollectionConfig& config) {
  json::object out;
  out["params"] = params_json(config.params);
  out["hnsw_config"] = hnsw_config_json(config.hnsw_config);
  out["optimizer_config"] = optimizers_config_json(config.optimizer_config);
  out["wal_config"] = wal_config_json(config.wal_config);
  out["quantization_config"] =
      config.quantization_config ? quantization_json(*config.quantization_config) : nullptr;
  if (config.strict_mode_config)
    out["strict_mode_config"] = strict_mode_json(*config.strict_mode_config);
  if (config.metadata) out["metadata"] = *config.metadata;
  return out;
}

Result<storage::CollectionConfig> collection_config_from_json(const json::object& reported) {
  storage::CollectionConfig config;
  const json::value* params = reported.if_contains("params");
  if (!params || !params->is_object()) return Error::internal("collection config without params");
  if (auto st = read_params(params->get_object(), config.params); !st.ok()) return st.error();
  if (auto v = reported.if_contains("hnsw_config")) {
    auto diff = parse_hnsw_diff(*v, "hnsw_config");
    if (!diff.ok()) return diff.error();
    config.hnsw_config.apply(diff.value());
  }
  if (auto v = reported.if_contains("optimizer_config")) {
    auto diff = parse_optimizers_diff(*v, /*strict_counts=*/false);
    if (!diff.ok()) return diff.error();
    config.optimizer_config.apply(diff.value());
  }
  if (auto v = reported.if_contains("wal_config")) {
    auto diff = parse_wal_diff(*v, "wal_config");
    if (!diff.ok()) return diff.error();
    config.wal_config.apply(diff.value());
  }
  if (auto v = reported.if_contains("quantization_config"); v && v->is_object()) {
    auto quantization = parse_quantization(*v, "quantization_config");
    if (!quantization.ok()) return quantization.error();
    config.quantization_config = quantization.value();
  }
  if (auto v = reported.if_contains("strict_mode_config"); v && !v->is_null()) {
    auto strict = parse_strict_mode(*v, "strict_mode_config");
    if (!strict.ok()) return strict.error();
    config.strict_mode_config = strict.value();
  }
  if (auto v = reported.if_contains("metadata"); v && v->is_object())
    config.metadata = v->get_object();
  return config;
}

std::string JsonCollectionConfigCodec::encode(const storage::CollectionConfig& config) const {
  return json::serialize(collection_config_json(config));
}

Result<storage::CollectionConfig> JsonCollectionConfigCodec::decode(std::string_view bytes) const {
  boost::system::error_code ec;
  json::value value = json::parse(bytes, ec);
  if (ec || !value.is_object()) return Error::internal("collection config is not a JSON object");
  const json::object& stored = value.get_object();
  auto config = collection_config_from_json(stored);
  if (config.ok() || !stored.contains("strict_mode_config")) return config;
  // Stores written before the configuration was typed kept `strict_mode_config` as the create
  // body gave it, unchecked. A section that no longer reads must not keep the collection (and
  // with it the whole storage) from opening: it is dropped, as strict mode is not enforced.
  json::object without_strict_mode = stored;
  without_strict_mode.erase("strict_mode_config");
  auto lenient = collection_config_from_json(without_strict_mode);
  return lenient.ok() ? lenient : config;
}

}  // namespace sextant::api
