// Writers of the configuration sections' JSON; see config_sections_json.hpp.
#include <cstdio>

#include "api/config/config_enum_names.hpp"
#include "api/config/config_sections_json.hpp"

namespace sextant::api {
namespace json = boost::json;
using namespace config_names;

namespace {

template <typename Config>
void write_quantization_common(const Config& config, json::object& out) {
  if (config.always_ram) out["always_ram"] = *config.always_ram;
  if (config.memory) out["memory"] = *config.memory;
}

json::value count_setting_json(const storage::CountSetting& setting) {
  if (auto* count = std::get_if<uint64_t>(&setting)) return *count;
  if (auto* keyword = std::get_if<std::string>(&setting)) return json::string(*keyword);
  return nullptr;
}

}  // namespace

json::object hnsw_diff_json(const storage::HnswConfigDiff& diff) {
  json::object out;
  if (diff.m) out["m"] = *diff.m;
  if (diff.ef_construct) out["ef_construct"] = *diff.ef_construct;
  if (diff.full_scan_threshold) out["full_scan_threshold"] = *diff.full_scan_threshold;
  if (diff.max_indexing_threads) out["max_indexing_threads"] = *diff.max_indexing_threads;
  if (diff.on_disk) out["on_disk"] = *diff.on_disk;
  if (diff.payload_m) out["payload_m"] = *diff.payload_m;
  if (diff.inline_storage) out["inline_storage"] = *diff.inline_storage;
  if (diff.memory) out["memory"] = *diff.memory;
  return out;
}

json::object hnsw_config_json(const storage::HnswConfig& config) {
  json::object out{{"m", config.m},
                   {"ef_construct", config.ef_construct},
                   {"full_scan_threshold", config.full_scan_threshold},
                   {"max_indexing_threads", config.max_indexing_threads},
                   {"on_disk", config.on_disk}};
  if (config.payload_m) out["payload_m"] = *config.payload_m;
  if (config.inline_storage) out["inline_storage"] = *config.inline_storage;
  if (config.memory) out["memory"] = *config.memory;
  return out;
}

json::value quantization_json(const storage::QuantizationConfig& config) {
  return std::visit(
      [](const auto& variant) -> json::value {
        using T = std::decay_t<decltype(variant)>;
        json::object out;
        const char* kind = "scalar";
        if constexpr (std::is_same_v<T, storage::ScalarQuantizationConfig>) {
          out["type"] = "int8";
          if (variant.quantile) out["quantile"] = *variant.quantile;
        } else if constexpr (std::is_same_v<T, storage::ProductQuantizationConfig>) {
          kind = "product";
          char compression[16];
          std::snprintf(compression, sizeof compression, "x%u", variant.compression);
          out["compression"] = compression;
        } else if constexpr (std::is_same_v<T, storage::BinaryQuantizationConfig>) {
          kind = "binary";
          if (variant.encoding) out["encoding"] = name_of(kBinaryEncodings, *variant.encoding);
          if (variant.query_encoding)
            out["query_encoding"] = name_of(kQueryEncodings, *variant.query_encoding);
        } else {
          kind = "turbo";
          if (variant.bits) out["bits"] = name_of(kTurboBits, *variant.bits);
        }
        write_quantization_common(variant, out);
        return json::object{{kind, std::move(out)}};
      },
      config);
}

namespace {

json::object vector_params_json(const storage::VectorParams& params) {
  json::object out{{"size", params.size}, {"distance", name_of(kDistances, params.distance)}};
  if (params.hnsw_config) out["hnsw_config"] = hnsw_diff_json(*params.hnsw_config);
  if (params.quantization_disabled)
    out["quantization_config"] = "Disabled";
  else if (params.quantization_config)
    out["quantization_config"] = quantization_json(*params.quantization_config);
  if (params.on_disk) out["on_disk"] = *params.on_disk;
  if (params.memory) out["memory"] = *params.memory;
  if (params.datatype) out["datatype"] = name_of(kDatatypes, *params.datatype);
  if (params.datatype_turbo4) out["datatype"] = "turbo4";
  if (params.multivector_comparator) out["multivector_config"] = {{"comparator", "max_sim"}};
  return out;
}

}  // namespace

json::value vectors_config_json(const storage::CollectionParams& params) {
  if (params.unnamed_vector && !params.vectors.empty())
    return vector_params_json(params.vectors.front());
  json::object named;
  for (const auto& vector : params.vectors) named[vector.name] = vector_params_json(vector);
  return named;
}

json::object sparse_params_json(const storage::SparseVectorParams& params) {
  json::object out;
  if (params.index) {
    json::object index;
    if (params.index->full_scan_threshold)
      index["full_scan_threshold"] = *params.index->full_scan_threshold;
    if (params.index->on_disk) index["on_disk"] = *params.index->on_disk;
    if (params.index->memory) index["memory"] = *params.index->memory;
    if (params.index->datatype) index["datatype"] = name_of(kDatatypes, *params.index->datatype);
    out["index"] = std::move(index);
  }
  if (params.modifier)
    out["modifier"] = *params.modifier == storage::SparseModifier::kIdf ? "idf" : "none";
  return out;
}

json::object optimizers_config_json(const storage::OptimizersConfig& config) {
  json::object out{
      {"deleted_threshold", config.deleted_threshold},
      {"vacuum_min_vector_number", config.vacuum_min_vector_number},
      {"default_segment_number", config.default_segment_number},
      {"max_segment_size", count_setting_json(config.max_segment_size)},
      {"memmap_threshold", count_setting_json(config.memmap_threshold)},
      {"indexing_threshold", count_setting_json(config.indexing_threshold)},
      {"flush_interval_sec", config.flush_interval_sec},
      {"max_optimization_threads", count_setting_json(config.max_optimization_threads)}};
  // Qdrant writes the flag even when unset (null).
  out["prevent_unoptimized"] =
      config.prevent_unoptimized ? json::value(*config.prevent_unoptimized) : json::value(nullptr);
  return out;
}

json::object wal_config_json(const storage::WalConfig& config) {
  return {{"wal_capacity_mb", config.wal_capacity_mb},
          {"wal_segments_ahead", config.wal_segments_ahead},
          {"wal_retain_closed", config.wal_retain_closed}};
}

json::object strict_mode_json(const storage::StrictModeConfig& config) {
  json::object out;
  auto flag = [&](const char* key, const std::optional<bool>& v) {
    if (v) out[key] = *v;
  };
  auto count = [&](const char* key, const std::optional<uint64_t>& v) {
    if (v) out[key] = *v;
  };
  auto limits =
      [&](const char* key, const char* limit_key,
          const std::optional<std::vector<std::pair<std::string, std::optional<uint64_t>>>>& v) {
        if (!v) return;
        json::object map;
        for (const auto& [name, limit] : *v) {
          json::object entry;
          if (limit) entry[limit_key] = *limit;
          map[name] = std::move(entry);
        }
        out[key] = std::move(map);
      };
  flag("enabled", config.enabled);
  count("max_query_limit", config.max_query_limit);
  count("max_timeout", config.max_timeout);
  flag("unindexed_filtering_retrieve", config.unindexed_filtering_retrieve);
  flag("unindexed_filtering_update", config.unindexed_filtering_update);
  count("search_max_hnsw_ef", config.search_max_hnsw_ef);
  flag("search_allow_exact", config.search_allow_exact);
  if (config.search_max_oversampling)
    out["search_max_oversampling"] = *config.search_max_oversampling;
  count("upsert_max_batchsize", config.upsert_max_batchsize);
  count("search_max_batchsize", config.search_max_batchsize);
  count("max_collection_vector_size_bytes", config.max_collection_vector_size_bytes);
  count("read_rate_limit", config.read_rate_limit);
  count("write_rate_limit", config.write_rate_limit);
  count("max_collection_payload_size_bytes", config.max_collection_payload_size_bytes);
  count("max_points_count", config.max_points_count);
  count("filter_max_conditions", config.filter_max_conditions);
  count("condition_max_size", config.condition_max_size);
  limits("multivector_config", "max_vectors", config.multivector_config);
  limits("sparse_config", "max_length", config.sparse_config);
  count("max_payload_index_count", config.max_payload_index_count);
  count("max_resident_memory_percent", config.max_resident_memory_percent);
  return out;
}

json::object payload_params_json(const storage::PayloadStorageParams& params) {
  json::object out;
  if (params.memory) out["memory"] = *params.memory;
  return out;
}

}  // namespace sextant::api
