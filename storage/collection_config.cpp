// Defaults and merge rules of the typed collection configuration (collection_config.hpp).
#include "storage/collection_config.hpp"

namespace sextant::storage {
namespace {

template <typename T>
void set_if(std::optional<T>& target, const std::optional<T>& value) {
  if (value) target = value;
}
template <typename T>
void set_if(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}

void merge_hnsw_diff(HnswConfigDiff& target, const HnswConfigDiff& diff) {
  set_if(target.m, diff.m);
  set_if(target.ef_construct, diff.ef_construct);
  set_if(target.full_scan_threshold, diff.full_scan_threshold);
  set_if(target.max_indexing_threads, diff.max_indexing_threads);
  set_if(target.payload_m, diff.payload_m);
  set_if(target.on_disk, diff.on_disk);
  set_if(target.inline_storage, diff.inline_storage);
  set_if(target.memory, diff.memory);
}

ScalarQuantization scalar_quantization(const ScalarQuantizationConfig& config) {
  ScalarQuantization out;
  if (config.quantile) out.quantile = static_cast<float>(*config.quantile);
  out.always_ram = config.always_ram.value_or(false);
  return out;
}

Quantization schema_quantization(const QuantizationConfig& config) {
  return std::visit(
      [](const auto& variant) -> Quantization {
        using T = std::decay_t<decltype(variant)>;
        if constexpr (std::is_same_v<T, ScalarQuantizationConfig>) {
          return scalar_quantization(variant);
        } else if constexpr (std::is_same_v<T, ProductQuantizationConfig>) {
          return ProductQuantization{variant.compression, variant.always_ram.value_or(false)};
        } else if constexpr (std::is_same_v<T, BinaryQuantizationConfig>) {
          return BinaryQuantization{variant.encoding.value_or(index::BinaryEncoding::kOneBit),
                                    variant.query_encoding.value_or(BinaryQueryEncoding::kDefault),
                                    variant.always_ram.value_or(false)};
        } else {
          return TurboQuantization{variant.bits.value_or(index::TurboBits::kBits4),
                                   variant.always_ram.value_or(false)};
        }
      },
      config);
}

}  // namespace

void HnswConfig::apply(const HnswConfigDiff& diff) {
  set_if(m, diff.m);
  set_if(ef_construct, diff.ef_construct);
  set_if(full_scan_threshold, diff.full_scan_threshold);
  set_if(max_indexing_threads, diff.max_indexing_threads);
  set_if(on_disk, diff.on_disk);
  set_if(payload_m, diff.payload_m);
  set_if(inline_storage, diff.inline_storage);
  set_if(memory, diff.memory);
}

void SparseVectorParams::apply(const SparseVectorParams& diff) {
  set_if(index, diff.index);
  set_if(modifier, diff.modifier);
}

VectorParams* CollectionParams::find_vector(const std::string& name) {
  for (auto& vector : vectors)
    if (vector.name == name) return &vector;
  return nullptr;
}

void OptimizersConfig::apply(const OptimizersConfigDiff& diff) {
  set_if(deleted_threshold, diff.deleted_threshold);
  set_if(vacuum_min_vector_number, diff.vacuum_min_vector_number);
  set_if(default_segment_number, diff.default_segment_number);
  set_if(flush_interval_sec, diff.flush_interval_sec);
  set_if(max_segment_size, diff.max_segment_size);
  set_if(memmap_threshold, diff.memmap_threshold);
  set_if(indexing_threshold, diff.indexing_threshold);
  set_if(max_optimization_threads, diff.max_optimization_threads);
  set_if(prevent_unoptimized, diff.prevent_unoptimized);
}

void WalConfig::apply(const WalConfigDiff& diff) {
  set_if(wal_capacity_mb, diff.wal_capacity_mb);
  set_if(wal_segments_ahead, diff.wal_segments_ahead);
  set_if(wal_retain_closed, diff.wal_retain_closed);
}

void StrictModeConfig::apply(const StrictModeConfig& diff) {
  set_if(enabled, diff.enabled);
  set_if(max_query_limit, diff.max_query_limit);
  set_if(max_timeout, diff.max_timeout);
  set_if(unindexed_filtering_retrieve, diff.unindexed_filtering_retrieve);
  set_if(unindexed_filtering_update, diff.unindexed_filtering_update);
  set_if(search_max_hnsw_ef, diff.search_max_hnsw_ef);
  set_if(search_allow_exact, diff.search_allow_exact);
  set_if(search_max_oversampling, diff.search_max_oversampling);
  set_if(upsert_max_batchsize, diff.upsert_max_batchsize);
  set_if(search_max_batchsize, diff.search_max_batchsize);
  set_if(max_collection_vector_size_bytes, diff.max_collection_vector_size_bytes);
  set_if(read_rate_limit, diff.read_rate_limit);
  set_if(write_rate_limit, diff.write_rate_limit);
  set_if(max_collection_payload_size_bytes, diff.max_collection_payload_size_bytes);
  set_if(max_points_count, diff.max_points_count);
  set_if(filter_max_conditions, diff.filter_max_conditions);
  set_if(condition_max_size, diff.condition_max_size);
  set_if(multivector_config, diff.multivector_config);
  set_if(sparse_config, diff.sparse_config);
  set_if(max_payload_index_count, diff.max_payload_index_count);
  set_if(max_resident_memory_percent, diff.max_resident_memory_percent);
}

CollectionConfig default_collection_config(const CollectionDefaults& defaults) {
  CollectionConfig config;
  config.params.on_disk_payload = defaults.on_disk_payload;
  config.hnsw_config.m = defaults.hnsw_m;
  config.hnsw_config.ef_construct = defaults.hnsw_ef_construct;
  config.hnsw_config.full_scan_threshold = defaults.hnsw_full_scan_threshold_kb;
  config.hnsw_config.max_indexing_threads = defaults.max_indexing_threads;
  OptimizersConfig& optimizer = config.optimizer_config;
  optimizer.deleted_threshold = defaults.deleted_threshold;
  optimizer.vacuum_min_vector_number = defaults.vacuum_min_vector_number;
  optimizer.default_segment_number = defaults.default_segment_number;
  optimizer.indexing_threshold = defaults.indexing_threshold_kb;
  optimizer.flush_interval_sec = defaults.flush_interval_sec;
  // No strict mode unless asked for: Qdrant's default configuration sets none, and its
  // collection info then leaves `strict_mode_config` out.
  return config;
}

Result<CollectionConfig> apply_update(const CollectionConfig& current,
                                      const CollectionConfigUpdate& update) {
  CollectionConfig config = current;
  for (const auto& diff : update.vectors) {
    // An unnamed vector is updated as "".
    VectorParams* target = config.params.unnamed_vector && !diff.name.empty()
                               ? nullptr
                               : config.params.find_vector(diff.name);
    if (!target) return Error::vector_name_not_found(diff.name);
    if (diff.hnsw_config_given) {
      HnswConfigDiff merged = target->hnsw_config.value_or(HnswConfigDiff{});
      if (diff.hnsw_config) merge_hnsw_diff(merged, *diff.hnsw_config);
      target->hnsw_config = std::move(merged);
    }
    if (diff.quantization_disabled) {  // the vector then follows the collection's, as Qdrant's
      target->quantization_config.reset();
      target->quantization_disabled = false;
    } else if (diff.quantization_config) {
      target->quantization_config = diff.quantization_config;
      target->quantization_disabled = false;
    }
    set_if(target->on_disk, diff.on_disk);
    set_if(target->memory, diff.memory);
  }
  if (update.params) {
    CollectionParams& params = config.params;
    set_if(params.replication_factor, update.params->replication_factor);
    set_if(params.write_consistency_factor, update.params->write_consistency_factor);
    set_if(params.read_fan_out_factor, update.params->read_fan_out_factor);
    set_if(params.read_fan_out_delay_ms, update.params->read_fan_out_delay_ms);
    set_if(params.on_disk_payload, update.params->on_disk_payload);
    set_if(params.payload, update.params->payload);
  }
  if (update.hnsw_config) config.hnsw_config.apply(*update.hnsw_config);
  if (update.optimizers_config) config.optimizer_config.apply(*update.optimizers_config);
  if (update.quantization_disabled)
    config.quantization_config.reset();
  else if (update.quantization_config)
    config.quantization_config = update.quantization_config;
  for (const auto& diff : update.sparse_vectors) {
    SparseVectorParams* target = nullptr;
    if (config.params.sparse_vectors)
      for (auto& sparse : *config.params.sparse_vectors)
        if (sparse.name == diff.name) target = &sparse;
    if (!target) return Error::vector_name_not_found(diff.name);
    target->apply(diff);
  }
  if (update.strict_mode_config) {
    if (!config.strict_mode_config) config.strict_mode_config = StrictModeConfig{};
    config.strict_mode_config->apply(*update.strict_mode_config);
  }
  if (update.metadata) {
    if (!config.metadata) config.metadata = boost::json::object{};
    for (const auto& [key, value] : *update.metadata) (*config.metadata)[key] = value;
  }
  return config;
}

HnswParams effective_hnsw(const HnswConfig& collection, const std::optional<HnswConfigDiff>& own) {
  HnswConfig merged = collection;
  if (own) merged.apply(*own);
  HnswParams params;
  params.m = static_cast<uint32_t>(merged.m);
  params.ef_construct = static_cast<uint32_t>(merged.ef_construct);
  params.full_scan_threshold_kb = merged.full_scan_threshold;
  params.max_indexing_threads = static_cast<uint32_t>(merged.max_indexing_threads);
  params.on_disk = merged.on_disk;
  params.payload_m = static_cast<uint32_t>(merged.payload_m.value_or(0));
  return params;
}

Quantization effective_quantization(const std::optional<QuantizationConfig>& collection,
                                    const VectorParams& vector) {
  if (vector.quantization_disabled) return std::monostate{};
  if (vector.quantization_config) return schema_quantization(*vector.quantization_config);
  if (collection) return schema_quantization(*collection);
  return std::monostate{};
}

std::vector<std::string> collection_warnings(const CollectionConfig& config) {
  std::vector<std::string> warnings;
  for (const auto& vector : config.params.vectors) {
    HnswConfig hnsw = config.hnsw_config;
    if (vector.hnsw_config) hnsw.apply(*vector.hnsw_config);
    if (!hnsw.inline_storage.value_or(false)) continue;
    const std::string option =
        "The `hnsw_config.inline_storage` option for vector '" + vector.name + "' ";
    if (vector.multivector_comparator)
      warnings.push_back(option +
                         "is not compatible with multivectors. This option will be ignored.");
    else if (!vector.quantization_config && !config.quantization_config)
      warnings.push_back(option +
                         "requires quantization to be enabled. This option will be ignored.");
  }
  return warnings;
}

}  // namespace sextant::storage
