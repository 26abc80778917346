// CreateCollection / UpdateCollection bodies; see collection_config.hpp.
#include "api/config/collection_config.hpp"

#include "api/parse/json_numbers.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr size_t kMaxDenseVectors = 64;

// shard_number, replication_factor, write_consistency_factor: absent or null keep `target`.
Status read_nonzero_u32(const json::object& body, const char* key, uint64_t& target) {
  auto v = body.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!json_uint(*v)) return type_error(key, "a nonzero u32");
  if (*json_uint(*v) == 0)
    return Error::validation(std::string("[") + key + ": value 0 invalid, must be 1 or larger]");
  target = *json_uint(*v);
  return {};
}

Status read_sparse_vectors(const json::value& value,
                           std::optional<std::vector<storage::SparseVectorParams>>& target) {
  if (!value.is_object()) return type_error("sparse_vectors", "a map");
  target.emplace();
  const auto& sparse = value.get_object();
  for (const auto& [name, params] : sparse) {
    if (auto st = check_vector_name(std::string(name)); !st.ok()) return st.error();
    size_t position = 0;  // the name's rank in Qdrant's sorted map
    for (const auto& other : sparse) position += other.key() < name ? 1 : 0;
    auto parsed = parse_sparse_params(std::string(name), params,
                                      "sparse_vectors[" + std::to_string(position) + "]");
    if (!parsed.ok()) return parsed.error();
    target->push_back(std::move(parsed.value()));
  }
  return {};
}

Result<storage::VectorParamsDiff> vector_diff(const std::string& name, const json::value& value) {
  if (!value.is_object()) return type_error("vectors." + name, "struct VectorParamsDiff");
  storage::VectorParamsDiff diff;
  diff.name = name;
  for (const auto& [key, v] : value.get_object()) {
    if (key == "hnsw_config") {
      auto hnsw = parse_hnsw_diff(v, "hnsw_config");
      if (!hnsw.ok()) return hnsw.error();
      diff.hnsw_config_given = true;
      if (!v.is_null()) diff.hnsw_config = hnsw.value();
    } else if (key == "quantization_config") {
      if (v.is_string() && v.get_string() == "Disabled") {
        diff.quantization_disabled = true;
      } else if (!v.is_null()) {
        auto quantization = parse_quantization(v, "vectors.?.quantization_config");
        if (!quantization.ok()) return quantization.error();
        diff.quantization_config = quantization.value();
      }
    } else if (key == "on_disk" && !v.is_null()) {
      if (!v.is_bool()) return type_error("vectors." + name + ".on_disk", "a boolean");
      diff.on_disk = v.get_bool();
    } else if (key == "memory" && !v.is_null()) {
      if (!v.is_string()) return type_error("vectors." + name + ".memory", "a string");
      if (v.get_string() == "pinned")
        return Error::validation(
            "[vectors.?.memory: `pinned` memory placement is not supported for dense vector "
            "storage]");
      diff.memory = std::string(v.get_string());
    }
  }
  return diff;
}

Result<storage::CollectionParamsDiff> params_diff(const json::value& value) {
  if (!value.is_object()) return type_error("params", "struct CollectionParamsDiff");
  storage::CollectionParamsDiff diff;
  for (const auto& [key, v] : value.get_object()) {
    if (v.is_null()) continue;
    const std::string field = "params." + std::string(key);
    if (key == "replication_factor" || key == "write_consistency_factor" ||
        key == "read_fan_out_factor" || key == "read_fan_out_delay_ms") {
      if (!json_uint(v)) return type_error(field, "u32");
      const uint64_t n = *json_uint(v);
      if (n == 0 && (key == "replication_factor" || key == "write_consistency_factor"))
        return Error::format("invalid value: integer `0`, expected a nonzero u32");
      if (key == "replication_factor") diff.replication_factor = n;
      if (key == "write_consistency_factor") diff.write_consistency_factor = n;
      if (key == "read_fan_out_factor") diff.read_fan_out_factor = n;
      if (key == "read_fan_out_delay_ms") diff.read_fan_out_delay_ms = n;
    } else if (key == "on_disk_payload") {
      if (!v.is_bool()) return type_error(field, "a boolean");
      diff.on_disk_payload = v.get_bool();
    } else if (key == "payload") {
      auto payload = parse_payload_params(v, field);
      if (!payload.ok()) return payload.error();
      diff.payload = payload.value();
    }
  }
  return diff;
}

}  // namespace

storage::CollectionDefaults collection_defaults(const ApiConfig& config) {
  storage::CollectionDefaults defaults;
  defaults.hnsw_m = config.hnsw_m;
  defaults.hnsw_ef_construct = config.hnsw_ef_construct;
  defaults.hnsw_full_scan_threshold_kb = config.hnsw_full_scan_threshold_kb;
  defaults.max_indexing_threads = config.max_indexing_threads;
  defaults.indexing_threshold_kb = config.indexing_threshold_kb;
  defaults.deleted_threshold = config.deleted_threshold;
  defaults.vacuum_min_vector_number = config.vacuum_min_vector_number;
  defaults.flush_interval_sec = config.flush_interval_sec;
  defaults.default_segment_number = config.default_segment_number.value_or(0);
  defaults.on_disk_payload = config.on_disk_payload;
  return defaults;
}

Result<storage::CollectionConfig> config_from_create_body(const json::object& body,
                                                          const ApiConfig& api_config) {
  storage::CollectionConfig config = default_collection_config(collection_defaults(api_config));
  storage::CollectionParams& params = config.params;
  if (auto v = body.if_contains("vectors"); v && !v->is_null())
    if (auto st = parse_vectors_config(*v, params); !st.ok()) return st.error();
  if (auto st = read_nonzero_u32(body, "shard_number", params.shard_number); !st.ok())
    return st.error();
  if (auto st = read_nonzero_u32(body, "replication_factor", params.replication_factor); !st.ok())
    return st.error();
  if (auto st = read_nonzero_u32(body, "write_consistency_factor", params.write_consistency_factor);
      !st.ok())
    return st.error();
  if (auto v = body.if_contains("sharding_method"); v && !v->is_null()) {
    if (!v->is_string()) return type_error("sharding_method", "a string");
    params.sharding_method = std::string(v->get_string());
  }
  if (auto v = body.if_contains("on_disk_payload"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error("on_disk_payload", "a boolean");
    params.on_disk_payload = v->get_bool();
  }
  if (auto v = body.if_contains("payload"); v && !v->is_null()) {
    auto payload = parse_payload_params(*v, "payload");
    if (!payload.ok()) return payload.error();
    params.payload = payload.value();
  }
  if (auto v = body.if_contains("sparse_vectors"); v && !v->is_null())
    if (auto st = read_sparse_vectors(*v, params.sparse_vectors); !st.ok()) return st.error();

  if (auto v = body.if_contains("hnsw_config")) {
    auto diff = parse_hnsw_diff(*v, "hnsw_config");
    if (!diff.ok()) return diff.error();
    config.hnsw_config.apply(diff.value());
  }
  if (auto v = body.if_contains("optimizers_config")) {
    auto diff = parse_optimizers_diff(*v);
    if (!diff.ok()) return diff.error();
    config.optimizer_config.apply(diff.value());
  }
  if (auto v = body.if_contains("wal_config")) {
    auto diff = parse_wal_diff(*v, "wal_config");
    if (!diff.ok()) return diff.error();
    config.wal_config.apply(diff.value());
  }
  if (auto v = body.if_contains("quantization_config"); v && !v->is_null()) {
    auto quantization = parse_quantization(*v, "quantization_config");
    if (!quantization.ok()) return quantization.error();
    config.quantization_config = quantization.value();
  }
  if (auto v = body.if_contains("strict_mode_config"); v && !v->is_null()) {
    auto strict = parse_strict_mode(*v, "strict_mode_config");
    if (!strict.ok()) return strict.error();
    config.strict_mode_config = strict.value();
  }
  if (auto v = body.if_contains("metadata"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("metadata", "a map");
    config.metadata = v->get_object();
  }
  if (params.vectors.size() > kMaxDenseVectors)
    return Error::bad_input("a collection may have at most 64 dense vectors");
  for (const auto& sparse :
       params.sparse_vectors.value_or(std::vector<storage::SparseVectorParams>{}))
    for (const auto& dense : params.vectors)
      if (dense.name == sparse.name)
        return Error::bad_input(
            "Dense and sparse vector names must be unique - duplicate found "
            "with '" +
            sparse.name + "'");
  return config;
}

Result<storage::CollectionConfigUpdate> parse_update_body(const json::object& body) {
  storage::CollectionConfigUpdate update;
  if (auto v = body.if_contains("vectors"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("vectors", "a map");
    for (const auto& [name, diff] : v->get_object()) {
      auto parsed = vector_diff(std::string(name), diff);
      if (!parsed.ok()) return parsed.error();
      update.vectors.push_back(std::move(parsed.value()));
    }
  }
  if (auto v = body.if_contains("params"); v && !v->is_null()) {
    auto diff = params_diff(*v);
    if (!diff.ok()) return diff.error();
    update.params = diff.value();
  }
  if (auto v = body.if_contains("hnsw_config"); v && !v->is_null()) {
    auto diff = parse_hnsw_diff(*v, "hnsw_config");
    if (!diff.ok()) return diff.error();
    update.hnsw_config = diff.value();
  }
  if (auto v = body.if_contains("optimizers_config"); v && !v->is_null()) {
    auto diff = parse_optimizers_diff(*v);
    if (!diff.ok()) return diff.error();
    update.optimizers_config = diff.value();
  }
  if (auto v = body.if_contains("quantization_config"); v && !v->is_null()) {
    if (v->is_string() && v->get_string() == "Disabled") {
      update.quantization_disabled = true;
    } else {
      auto quantization = parse_quantization(*v, "quantization_config");
      if (!quantization.ok()) return quantization.error();
      update.quantization_config = quantization.value();
    }
  }
  if (auto v = body.if_contains("sparse_vectors"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("sparse_vectors", "a map");
    for (const auto& [name, diff] : v->get_object()) {
      storage::SparseVectorParams unchanged{std::string(name), std::nullopt, std::nullopt};
      if (!diff.is_object()) {
        update.sparse_vectors.push_back(std::move(unchanged));
        continue;
      }
      auto parsed = parse_sparse_params(std::string(name), diff);
      if (!parsed.ok()) return parsed.error();
      update.sparse_vectors.push_back(std::move(parsed.value()));
    }
  }
  if (auto v = body.if_contains("strict_mode_config"); v && !v->is_null()) {
    auto strict = parse_strict_mode(*v, "strict_mode_config");
    if (!strict.ok()) return strict.error();
    update.strict_mode_config = strict.value();
  }
  if (auto v = body.if_contains("metadata"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("metadata", "a map");
    update.metadata = v->get_object();
  }
  return update;
}

}  // namespace sextant::api
