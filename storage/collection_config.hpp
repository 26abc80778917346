// A collection's configuration, typed: every section Qdrant reports in a collection's `config`
// (params, hnsw_config, optimizer_config, wal_config, quantization_config, strict_mode_config,
// metadata), its defaults, and the merge rules of an update. Any wire fills and reads this
// struct; the REST wire's Qdrant JSON lives in api/collection_config_json.hpp. The typed
// CollectionSchema that storage and search act on is derived from it by schema_from_config.
//
// Invariants:
// - A field that is `std::optional` is reported only when set; the others are always reported.
// - Enum-valued settings that Sextant only reports (memory placement, sharding method,
//   max_optimization_threads' keyword) are kept as the names Qdrant gives them.
// - Changes made by an update are reported at once but act on the schema only when the
//   collection is next opened (see Storage::update_collection_config).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"

namespace sextant::storage {

// `hnsw_config` as a diff: a named vector's overrides, or an update of the collection's.
struct HnswConfigDiff {
  std::optional<uint64_t> m, ef_construct, full_scan_threshold, max_indexing_threads, payload_m;
  std::optional<bool> on_disk, inline_storage;
  std::optional<std::string> memory;

  bool operator==(const HnswConfigDiff&) const = default;
};

// The collection-wide `hnsw_config`.
struct HnswConfig {
  uint64_t m = 16;
  uint64_t ef_construct = 100;
  uint64_t full_scan_threshold = 10000;  // KiB
  uint64_t max_indexing_threads = 0;
  bool on_disk = false;
  std::optional<uint64_t> payload_m;
  std::optional<bool> inline_storage;
  std::optional<std::string> memory;

  void apply(const HnswConfigDiff& diff);

  bool operator==(const HnswConfig&) const = default;
};

// `quantization_config` variants, each with its optional fields as given.
struct ScalarQuantizationConfig {
  std::optional<double> quantile;
  std::optional<bool> always_ram;
  std::optional<std::string> memory;

  bool operator==(const ScalarQuantizationConfig&) const = default;
};
struct ProductQuantizationConfig {
  uint32_t compression = 4;  // "x4".."x64"
  std::optional<bool> always_ram;
  std::optional<std::string> memory;

  bool operator==(const ProductQuantizationConfig&) const = default;
};
struct BinaryQuantizationConfig {
  std::optional<index::BinaryEncoding> encoding;
  std::optional<BinaryQueryEncoding> query_encoding;
  std::optional<bool> always_ram;
  std::optional<std::string> memory;

  bool operator==(const BinaryQuantizationConfig&) const = default;
};
struct TurboQuantizationConfig {
  std::optional<index::TurboBits> bits;  // absent: bits4
  std::optional<bool> always_ram;
  std::optional<std::string> memory;

  bool operator==(const TurboQuantizationConfig&) const = default;
};
using QuantizationConfig = std::variant<ScalarQuantizationConfig, ProductQuantizationConfig,
                                        BinaryQuantizationConfig, TurboQuantizationConfig>;

enum class MultivectorComparator { kMaxSim };

// One dense vector's `VectorParams`; the unnamed vector has the name "".
struct VectorParams {
  std::string name;
  uint64_t size = 0;
  Distance distance = Distance::kCosine;
  std::optional<HnswConfigDiff> hnsw_config;  // over the collection's hnsw_config
  // Over the collection's quantization_config; `quantization_disabled` ("Disabled" in an update)
  // turns quantization off for this vector whatever the collection's is.
  std::optional<QuantizationConfig> quantization_config;
  bool quantization_disabled = false;
  std::optional<bool> on_disk;
  std::optional<std::string> memory;
  std::optional<Datatype> datatype;
  // Qdrant's `turbo4` datatype (4-bit TurboQuant storage) was asked for: Sextant keeps these
  // vectors as float32 (`datatype` stays empty, so scores are exact) and reports `turbo4` back.
  bool datatype_turbo4 = false;
  std::optional<MultivectorComparator> multivector_comparator;

  bool operator==(const VectorParams&) const = default;
};

// Diff of one named vector in an update (VectorParamsDiff).
struct VectorParamsDiff {
  std::string name;
  bool hnsw_config_given = false;  // given, even as null: the vector then has overrides ({})
  std::optional<HnswConfigDiff> hnsw_config;
  std::optional<QuantizationConfig> quantization_config;
  bool quantization_disabled = false;
  std::optional<bool> on_disk;
  std::optional<std::string> memory;

  bool operator==(const VectorParamsDiff&) const = default;
};

enum class SparseModifier { kNone, kIdf };

struct SparseIndexParams {
  std::optional<uint64_t> full_scan_threshold;
  std::optional<bool> on_disk;
  std::optional<std::string> memory;
  std::optional<Datatype> datatype;

  bool operator==(const SparseIndexParams&) const = default;
};

struct SparseVectorParams {
  std::string name;
  std::optional<SparseIndexParams> index;
  std::optional<SparseModifier> modifier;

  void apply(const SparseVectorParams& diff);  // sets what `diff` gives

  bool operator==(const SparseVectorParams&) const = default;
};

struct PayloadStorageParams {
  std::optional<std::string> memory;

  bool operator==(const PayloadStorageParams&) const = default;
};

struct CollectionParams {
  // Dense vectors in the order given. `unnamed_vector`: the single vector named "" (Qdrant's
  // `"vectors": {"size": .., "distance": ..}`), else a map of named vectors (maybe empty).
  bool unnamed_vector = false;
  std::vector<VectorParams> vectors;
  uint64_t shard_number = 1;
  std::optional<std::string> sharding_method;
  uint64_t replication_factor = 1;
  uint64_t write_consistency_factor = 1;
  std::optional<uint64_t> read_fan_out_factor, read_fan_out_delay_ms;
  bool on_disk_payload = true;
  std::optional<PayloadStorageParams> payload;
  std::optional<std::vector<SparseVectorParams>> sparse_vectors;

  VectorParams* find_vector(const std::string& name);

  bool operator==(const CollectionParams&) const = default;
};

// Diff of `params` in an update (CollectionParamsDiff).
struct CollectionParamsDiff {
  std::optional<uint64_t> replication_factor, write_consistency_factor;
  std::optional<uint64_t> read_fan_out_factor, read_fan_out_delay_ms;
  std::optional<bool> on_disk_payload;
  std::optional<PayloadStorageParams> payload;

  bool operator==(const CollectionParamsDiff&) const = default;
};

// A size Qdrant lets be unset (null) or name a keyword ("auto"): null, a count, or the keyword.
using CountSetting = std::variant<std::monostate, uint64_t, std::string>;

struct OptimizersConfigDiff {
  std::optional<double> deleted_threshold;
  std::optional<uint64_t> vacuum_min_vector_number, default_segment_number, flush_interval_sec;
  std::optional<CountSetting> max_segment_size, memmap_threshold, indexing_threshold,
      max_optimization_threads;
  std::optional<bool> prevent_unoptimized;

  bool operator==(const OptimizersConfigDiff&) const = default;
};

struct OptimizersConfig {
  double deleted_threshold = 0.2;
  uint64_t vacuum_min_vector_number = 1000;
  uint64_t default_segment_number = 0;
  CountSetting max_segment_size, memmap_threshold;
  CountSetting indexing_threshold = uint64_t{10000};  // KiB; 0 disables indexing
  uint64_t flush_interval_sec = 5;
  CountSetting max_optimization_threads;
  std::optional<bool> prevent_unoptimized;

  void apply(const OptimizersConfigDiff& diff);

  bool operator==(const OptimizersConfig&) const = default;
};

struct WalConfigDiff {
  std::optional<uint64_t> wal_capacity_mb, wal_segments_ahead, wal_retain_closed;

  bool operator==(const WalConfigDiff&) const = default;
};

struct WalConfig {
  uint64_t wal_capacity_mb = 32;
  uint64_t wal_segments_ahead = 0;
  uint64_t wal_retain_closed = 1;

  void apply(const WalConfigDiff& diff);

  bool operator==(const WalConfig&) const = default;
};

// `strict_mode_config`: every limit optional. Reported as configured; an update sets the fields
// it gives.
struct StrictModeConfig {
  std::optional<bool> enabled;
  std::optional<uint64_t> max_query_limit, max_timeout;
  std::optional<bool> unindexed_filtering_retrieve, unindexed_filtering_update;
  std::optional<uint64_t> search_max_hnsw_ef;
  std::optional<bool> search_allow_exact;
  std::optional<double> search_max_oversampling;
  std::optional<uint64_t> upsert_max_batchsize, search_max_batchsize,
      max_collection_vector_size_bytes, read_rate_limit, write_rate_limit,
      max_collection_payload_size_bytes, max_points_count, filter_max_conditions,
      condition_max_size;
  // Per vector name: max_vectors (multivector_config) and max_length (sparse_config).
  std::optional<std::vector<std::pair<std::string, std::optional<uint64_t>>>> multivector_config,
      sparse_config;
  std::optional<uint64_t> max_payload_index_count, max_resident_memory_percent;

  void apply(const StrictModeConfig& diff);

  bool operator==(const StrictModeConfig&) const = default;
};

struct CollectionConfig {
  CollectionParams params;
  HnswConfig hnsw_config;
  OptimizersConfig optimizer_config;
  WalConfig wal_config;
  std::optional<QuantizationConfig> quantization_config;
  std::optional<StrictModeConfig> strict_mode_config;
  std::optional<boost::json::object> metadata;  // user data, kept as given

  bool operator==(const CollectionConfig&) const = default;
};

// Server-wide defaults for new collections (storage.hnsw_index / storage.optimizers).
struct CollectionDefaults {
  uint64_t hnsw_m = 16;
  uint64_t hnsw_ef_construct = 100;
  uint64_t hnsw_full_scan_threshold_kb = 10000;
  uint64_t max_indexing_threads = 0;
  uint64_t indexing_threshold_kb = 10000;
  double deleted_threshold = 0.2;
  uint64_t vacuum_min_vector_number = 1000;
  uint64_t flush_interval_sec = 5;
  uint64_t default_segment_number = 0;
  bool on_disk_payload = true;

  bool operator==(const CollectionDefaults&) const = default;
};

// A new collection's configuration before its create request is applied: no vectors, the
// defaults above, strict mode {"enabled": false}.
CollectionConfig default_collection_config(const CollectionDefaults& defaults);

// An update of a collection's configuration (UpdateCollection). Sections left unset stay.
struct CollectionConfigUpdate {
  std::vector<VectorParamsDiff> vectors;
  std::optional<CollectionParamsDiff> params;
  std::optional<HnswConfigDiff> hnsw_config;
  std::optional<OptimizersConfigDiff> optimizers_config;
  // Set: replaces the collection's; `quantization_disabled`: removes it.
  std::optional<QuantizationConfig> quantization_config;
  bool quantization_disabled = false;
  std::vector<SparseVectorParams> sparse_vectors;
  std::optional<StrictModeConfig> strict_mode_config;
  std::optional<boost::json::object> metadata;  // merged key by key

  bool operator==(const CollectionConfigUpdate&) const = default;
};

// Applies `update`; vectors and sparse vectors keep their structure (names, sizes and
// distances cannot change): naming one the collection lacks is an error.
Result<CollectionConfig> apply_update(const CollectionConfig& config,
                                      const CollectionConfigUpdate& update);

// Qdrant's collection warnings (CollectionInfo.warnings): settings accepted but without effect,
// one message per dense vector they concern, in the vectors' order.
std::vector<std::string> collection_warnings(const CollectionConfig& config);

// The effective settings of one dense vector: the collection's, with the vector's overrides.
HnswParams effective_hnsw(const HnswConfig& collection, const std::optional<HnswConfigDiff>& own);
Quantization effective_quantization(const std::optional<QuantizationConfig>& collection,
                                    const VectorParams& vector);

}  // namespace sextant::storage
