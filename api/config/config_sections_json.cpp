// Parsers of the configuration sections; see config_sections_json.hpp.
#include "api/config/config_sections_json.hpp"

#include <charconv>

#include "api/config/config_enum_names.hpp"
#include "api/parse/json_numbers.hpp"

namespace sextant::api {
namespace json = boost::json;

using namespace config_names;

namespace {

// Qdrant's `turbo4` vector datatype; see VectorParams::datatype_turbo4.
constexpr std::string_view kTurbo4Datatype = "turbo4";
constexpr const char* kUnknownDatatypeText =
    "unknown variant for `datatype`, expected one of `float32`, `uint8`, `float16`, `turbo4`";

// Reads the optional fields every kind of quantization shares.
template <typename Config>
Status read_quantization_common(const json::object& in, const std::string& field, Config& out) {
  if (auto v = in.if_contains("always_ram"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error(field + ".always_ram", "a boolean");
    out.always_ram = v->get_bool();
  }
  if (auto v = in.if_contains("memory"); v && !v->is_null()) {
    if (!v->is_string()) return type_error(field + ".memory", "a string");
    out.memory = std::string(v->get_string());
  }
  return {};
}

Result<std::optional<uint64_t>> optional_uint(const json::object& in, const char* key,
                                              const std::string& field, const char* expected) {
  auto v = in.if_contains(key);
  if (!v || v->is_null()) return std::optional<uint64_t>{};
  if (!json_uint(*v)) return type_error(field + "." + key, expected);
  return std::optional<uint64_t>(*json_uint(*v));
}

Result<std::optional<bool>> optional_bool(const json::object& in, const char* key,
                                          const std::string& field) {
  auto v = in.if_contains(key);
  if (!v || v->is_null()) return std::optional<bool>{};
  if (!v->is_bool()) return type_error(field + "." + key, "a boolean");
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<std::string>> optional_string(const json::object& in, const char* key,
                                                   const std::string& field) {
  auto v = in.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return type_error(field + "." + key, "a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

}  // namespace

Error type_error(const std::string& field, const char* expected) {
  return Error::format("invalid type for `" + field + "`: expected " + expected);
}

Status check_vector_name(const std::string& name) {
  static const char kInvalid[] = {'<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0', '\x1F'};
  if (name.size() > 200)
    return Error::validation("[vectors: vector name must be at most 200 bytes long]");
  for (char c : kInvalid)
    if (name.find(c) != std::string::npos)
      return Error::validation(std::string("[vectors: vector name cannot contain \"") +
                               (c ? std::string(1, c) : std::string("\\0")) + "\" char]");
  return {};
}

Result<storage::HnswConfigDiff> parse_hnsw_diff(const json::value& value,
                                                const std::string& field) {
  storage::HnswConfigDiff out;
  if (value.is_null()) return out;
  if (!value.is_object()) return type_error(field, "struct HnswConfigDiff");
  for (const auto& [key, v] : value.get_object()) {
    if (key == "m" || key == "ef_construct" || key == "full_scan_threshold" ||
        key == "max_indexing_threads" || key == "payload_m") {
      if (v.is_null()) continue;
      if (!json_uint(v)) return type_error(field + "." + std::string(key), "usize");
      const uint64_t n = *json_uint(v);
      if (key == "ef_construct" && n < 4)
        return Error::validation("[" + field + ".ef_construct: value " + std::to_string(n) +
                                 " invalid, must be 4 or larger]");
      if (key == "full_scan_threshold" && n < 10)
        return Error::validation("[" + field + ".full_scan_threshold: value " + std::to_string(n) +
                                 " invalid, must be 10 or larger]");
      if (key == "m") out.m = n;
      if (key == "ef_construct") out.ef_construct = n;
      if (key == "full_scan_threshold") out.full_scan_threshold = n;
      if (key == "max_indexing_threads") out.max_indexing_threads = n;
      if (key == "payload_m") out.payload_m = n;
    } else if (key == "on_disk" || key == "inline_storage") {
      if (v.is_null()) continue;
      if (!v.is_bool()) return type_error(field + "." + std::string(key), "a boolean");
      (key == "on_disk" ? out.on_disk : out.inline_storage) = v.get_bool();
    } else if (key == "memory") {
      if (v.is_null()) continue;
      if (!v.is_string()) return type_error(field + ".memory", "a string");
      out.memory = std::string(v.get_string());
    }
  }
  return out;
}

Result<storage::QuantizationConfig> parse_quantization(const json::value& value,
                                                       const std::string& field) {
  const json::object* in = value.if_object();
  auto variant = [&](const char* name) -> const json::object* {
    const json::value* v = in ? in->if_contains(name) : nullptr;
    return v ? v->if_object() : nullptr;
  };
  if (const json::object* scalar = variant("scalar")) {
    storage::ScalarQuantizationConfig out;
    const std::string path = field + ".scalar";
    if (auto v = scalar->if_contains("type");
        v && !v->is_null() && (!v->is_string() || v->get_string() != "int8"))
      return Error::format("unknown variant for `" + path + ".type`, expected `int8`");
    if (auto v = scalar->if_contains("quantile"); v && !v->is_null()) {
      if (!v->is_number()) return type_error(path + ".quantile", "f32");
      out.quantile = json_double(*v);
      // Qdrant holds the quantile as f32 and shows it widened to f64 in the message.
      const double widened = static_cast<double>(static_cast<float>(*out.quantile));
      if (!(widened >= 0.5 && widened <= 1.0))
        return Error::validation("[" + path + ".quantile: value " + float_value_text(widened) +
                                 " invalid, must be from 0.5 to 1.0]");
    }
    if (auto st = read_quantization_common(*scalar, path, out); !st.ok()) return st.error();
    return storage::QuantizationConfig(out);
  }
  if (const json::object* product = variant("product")) {
    storage::ProductQuantizationConfig out;
    const json::value* compression = product->if_contains("compression");
    uint32_t ratio = 0;
    std::string_view text = compression && compression->is_string()
                                ? std::string_view(compression->get_string())
                                : std::string_view();
    if (text.size() < 2 || text[0] != 'x' ||
        std::from_chars(text.data() + 1, text.data() + text.size(), ratio).ec != std::errc() ||
        (ratio != 4 && ratio != 8 && ratio != 16 && ratio != 32 && ratio != 64))
      return Error::format("unknown variant for `" + field +
                           ".product.compression`, expected one of `x4`, `x8`, `x16`, `x32`, "
                           "`x64`");
    out.compression = ratio;
    if (auto st = read_quantization_common(*product, field + ".product", out); !st.ok())
      return st.error();
    return storage::QuantizationConfig(out);
  }
  if (const json::object* binary = variant("binary")) {
    storage::BinaryQuantizationConfig out;
    if (auto v = binary->if_contains("encoding"); v && !v->is_null()) {
      out.encoding = value_of(kBinaryEncodings, *v);
      if (!out.encoding) return unknown_variant(kBinaryEncodings, *v);
    }
    if (auto v = binary->if_contains("query_encoding"); v && !v->is_null()) {
      out.query_encoding = value_of(kQueryEncodings, *v);
      if (!out.query_encoding) return unknown_variant(kQueryEncodings, *v);
    }
    if (auto st = read_quantization_common(*binary, field + ".binary", out); !st.ok())
      return st.error();
    return storage::QuantizationConfig(out);
  }
  if (const json::object* turbo = variant("turbo")) {
    storage::TurboQuantizationConfig out;
    if (auto v = turbo->if_contains("bits"); v && !v->is_null()) {
      out.bits = value_of(kTurboBits, *v);
      if (!out.bits) return unknown_variant(kTurboBits, *v);
    }
    if (auto st = read_quantization_common(*turbo, field + ".turbo", out); !st.ok())
      return st.error();
    return storage::QuantizationConfig(out);
  }
  return Error::format("data did not match any variant of untagged enum QuantizationConfig");
}

Result<storage::VectorParams> parse_vector_params(const json::value& value,
                                                  const std::string& field) {
  if (!value.is_object())
    return Error::format("data did not match any variant of untagged enum VectorsConfig");
  const auto& in = value.get_object();
  storage::VectorParams out;
  auto size = in.if_contains("size");
  if (!size) return Error::format("missing field `size`");
  if (!json_uint(*size))
    return Error::format("invalid type for `" + field + ".size`: expected u64");
  const uint64_t dim = *json_uint(*size);
  if (dim == 0) return Error::format("invalid value: integer `0`, expected a nonzero u64");
  if (dim > kMaxVectorDimension)  // Qdrant names a named vector's field `vectors.?.size`
    return Error::validation("[" + (field == "vectors" ? field : std::string("vectors.?")) +
                             ".size: value " + std::to_string(dim) +
                             " invalid, must be from 1 to " + std::to_string(kMaxVectorDimension) +
                             "]");
  out.size = dim;
  auto distance = in.if_contains("distance");
  if (!distance) return Error::format("missing field `distance`");
  auto parsed_distance = value_of(kDistances, *distance);
  if (!parsed_distance) return unknown_variant(kDistances, *distance);
  out.distance = *parsed_distance;
  if (auto v = in.if_contains("hnsw_config"); v && !v->is_null()) {
    auto diff = parse_hnsw_diff(*v, field + ".hnsw_config");
    if (!diff.ok()) return diff.error();
    out.hnsw_config = diff.value();
  }
  if (auto v = in.if_contains("quantization_config"); v && !v->is_null()) {
    if (v->is_string() && v->get_string() == "Disabled") {
      out.quantization_disabled = true;
    } else {
      auto quantization = parse_quantization(*v, field + ".quantization_config");
      if (!quantization.ok()) return quantization.error();
      out.quantization_config = quantization.value();
    }
  }
  if (auto v = in.if_contains("on_disk"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error(field + ".on_disk", "a boolean");
    out.on_disk = v->get_bool();
  }
  auto memory = optional_string(in, "memory", field);
  if (!memory.ok()) return memory.error();
  out.memory = memory.value();
  if (out.memory == "pinned")  // Qdrant names a named vector's field `vectors.?.memory`
    return Error::validation("[" + (field == "vectors" ? field : std::string("vectors.?")) +
                             ".memory: `pinned` memory placement is not supported for dense "
                             "vector storage]");
  if (auto v = in.if_contains("datatype"); v && !v->is_null()) {
    if (v->is_string() && v->get_string() == kTurbo4Datatype) {
      out.datatype_turbo4 = true;
    } else {
      out.datatype = value_of(kDatatypes, *v);
      if (!out.datatype) return Error::format(kUnknownDatatypeText);
    }
  }
  if (auto v = in.if_contains("multivector_config"); v && !v->is_null()) {
    const json::value* comparator =
        v->is_object() ? v->get_object().if_contains("comparator") : nullptr;
    if (!comparator) return Error::format("missing field `comparator`");
    if (!comparator->is_string() || comparator->get_string() != "max_sim")
      return Error::format("unknown variant for `" + field +
                           ".multivector_config.comparator`, expected `max_sim`");
    out.multivector_comparator = storage::MultivectorComparator::kMaxSim;
  }
  return out;
}

Status parse_vectors_config(const json::value& value, storage::CollectionParams& params) {
  if (!value.is_object())
    return Error::format("data did not match any variant of untagged enum VectorsConfig");
  const auto& in = value.get_object();
  params.vectors.clear();
  params.unnamed_vector = in.contains("size") || in.contains("distance");
  if (params.unnamed_vector) {
    auto vector = parse_vector_params(value, "vectors");
    if (!vector.ok()) return vector.error();
    params.vectors.push_back(std::move(vector.value()));
    return {};
  }
  for (const auto& [name, vector_value] : in) {
    if (auto st = check_vector_name(std::string(name)); !st.ok()) return st.error();
    auto vector = parse_vector_params(vector_value, "vectors." + std::string(name));
    if (!vector.ok()) return vector.error();
    vector.value().name = std::string(name);
    params.vectors.push_back(std::move(vector.value()));
  }
  return {};
}

Result<storage::SparseVectorParams> parse_sparse_params(const std::string& name,
                                                        const json::value& value,
                                                        const std::string& validation_path) {
  storage::SparseVectorParams out;
  out.name = name;
  if (value.is_null()) return out;
  if (!value.is_object()) return type_error("sparse_vectors." + name, "struct SparseVectorParams");
  const auto& in = value.get_object();
  if (auto v = in.if_contains("modifier"); v && !v->is_null()) {
    if (!v->is_string() || (v->get_string() != "none" && v->get_string() != "idf"))
      return Error::format("unknown variant for `modifier`, expected one of `none`, `idf`");
    out.modifier =
        v->get_string() == "idf" ? storage::SparseModifier::kIdf : storage::SparseModifier::kNone;
  }
  if (auto v = in.if_contains("index"); v && !v->is_null()) {
    const std::string field = "sparse_vectors." + name + ".index";
    if (!v->is_object()) return type_error(field, "struct SparseIndexParams");
    const auto& index = v->get_object();
    storage::SparseIndexParams params;
    auto threshold = optional_uint(index, "full_scan_threshold", field, "usize");
    if (!threshold.ok()) return threshold.error();
    params.full_scan_threshold = threshold.value();
    auto on_disk = optional_bool(index, "on_disk", field);
    if (!on_disk.ok()) return on_disk.error();
    params.on_disk = on_disk.value();
    auto memory = optional_string(index, "memory", field);
    if (!memory.ok()) return memory.error();
    params.memory = memory.value();
    if (auto d = index.if_contains("datatype"); d && !d->is_null()) {
      if (d->is_string() && d->get_string() == kTurbo4Datatype)
        return Error::validation("[" + validation_path +
                                 ".index.datatype: sparse vectors do not support the `turbo4` "
                                 "datatype]");
      params.datatype = value_of(kDatatypes, *d);
      if (!params.datatype) return Error::format(kUnknownDatatypeText);
    }
    out.index = params;
  }
  return out;
}

Result<storage::OptimizersConfigDiff> parse_optimizers_diff(const json::value& value,
                                                            bool strict_counts) {
  storage::OptimizersConfigDiff out;
  if (value.is_null()) return out;
  if (!value.is_object()) return type_error("optimizers_config", "struct OptimizersConfigDiff");
  for (const auto& [key, v] : value.get_object()) {
    const std::string field = "optimizers_config." + std::string(key);
    if (key == "deleted_threshold") {
      if (!v.is_number()) return type_error(field, "f64");
      double d = json_double(v);
      if (d < 0 || d > 1)
        return Error::validation("[" + field + ": value " + json_number_text(v) +
                                 " invalid, must be from 0.0 to 1.0]");
      out.deleted_threshold = d;
    } else if (key == "vacuum_min_vector_number") {
      if (!json_uint(v)) return type_error(field, "usize");
      if (*json_uint(v) < 100)
        return Error::validation("[" + field + ": value " + json_number_text(v) +
                                 " invalid, must be 100 or larger]");
      out.vacuum_min_vector_number = *json_uint(v);
    } else if (key == "default_segment_number" || key == "flush_interval_sec") {
      if (!json_uint(v)) return type_error(field, "usize");
      (key == "flush_interval_sec" ? out.flush_interval_sec : out.default_segment_number) =
          *json_uint(v);
    } else if (key == "max_segment_size" || key == "memmap_threshold" ||
               key == "indexing_threshold" || key == "max_optimization_threads") {
      storage::CountSetting setting;
      // Only max_optimization_threads has a named setting ("auto"); the thresholds are numbers
      // in requests (stored configurations of earlier versions may hold text).
      if (v.is_string() && (key == "max_optimization_threads" || !strict_counts))
        setting = std::string(v.get_string());
      else if (json_uint(v))
        setting = *json_uint(v);
      else if (!v.is_null())
        return type_error(field, "usize");
      if (key == "max_segment_size" && json_uint(v) && *json_uint(v) == 0)
        return Error::validation("[" + field + ": value 0 invalid, must be 1 or larger]");
      if (key == "max_segment_size") out.max_segment_size = setting;
      if (key == "memmap_threshold") out.memmap_threshold = setting;
      if (key == "indexing_threshold") out.indexing_threshold = setting;
      if (key == "max_optimization_threads") out.max_optimization_threads = setting;
    } else if (key == "prevent_unoptimized") {
      if (v.is_null()) continue;
      if (!v.is_bool()) return type_error(field, "a boolean");
      out.prevent_unoptimized = v.get_bool();
    }
  }
  return out;
}

Result<storage::WalConfigDiff> parse_wal_diff(const json::value& value, const std::string& field) {
  storage::WalConfigDiff out;
  if (value.is_null()) return out;
  if (!value.is_object()) return type_error(field, "struct WalConfigDiff");
  for (const auto& [key, v] : value.get_object()) {
    if (v.is_null()) continue;
    if (!json_uint(v)) return type_error(field + "." + std::string(key), "usize");
    if ((key == "wal_capacity_mb" || key == "wal_retain_closed") && *json_uint(v) < 1)
      return Error::validation("[" + field + "." + std::string(key) + ": value " +
                               json_number_text(v) + " invalid, must be 1 or larger]");
    if (key == "wal_capacity_mb") out.wal_capacity_mb = *json_uint(v);
    if (key == "wal_segments_ahead") out.wal_segments_ahead = *json_uint(v);
    if (key == "wal_retain_closed") out.wal_retain_closed = *json_uint(v);
  }
  return out;
}

namespace {

// strict_mode_config's per-vector limits: {name: {limit_key: n}}.
Result<std::vector<std::pair<std::string, std::optional<uint64_t>>>> per_vector_limits(
    const json::value& value, const std::string& field, const char* limit_key) {
  if (!value.is_object()) return type_error(field, "a map");
  std::vector<std::pair<std::string, std::optional<uint64_t>>> out;
  for (const auto& [name, limits] : value.get_object()) {
    const std::string path = field + "." + std::string(name);
    if (!limits.is_object()) return type_error(path, "a map");
    auto limit = optional_uint(limits.get_object(), limit_key, path, "usize");
    if (!limit.ok()) return limit.error();
    out.emplace_back(std::string(name), limit.value());
  }
  return out;
}

}  // namespace

Result<storage::StrictModeConfig> parse_strict_mode(const json::value& value,
                                                    const std::string& field) {
  if (!value.is_object()) return type_error(field, "struct StrictModeConfig");
  const auto& in = value.get_object();
  storage::StrictModeConfig out;
  const std::pair<const char*, std::optional<bool> storage::StrictModeConfig::*> flags[] = {
      {"enabled", &storage::StrictModeConfig::enabled},
      {"unindexed_filtering_retrieve", &storage::StrictModeConfig::unindexed_filtering_retrieve},
      {"unindexed_filtering_update", &storage::StrictModeConfig::unindexed_filtering_update},
      {"search_allow_exact", &storage::StrictModeConfig::search_allow_exact}};
  for (const auto& [key, member] : flags) {
    auto flag = optional_bool(in, key, field);
    if (!flag.ok()) return flag.error();
    out.*member = flag.value();
  }
  using S = storage::StrictModeConfig;
  const std::pair<const char*, std::optional<uint64_t> S::*> counts[] = {
      {"max_query_limit", &S::max_query_limit},
      {"max_timeout", &S::max_timeout},
      {"search_max_hnsw_ef", &S::search_max_hnsw_ef},
      {"upsert_max_batchsize", &S::upsert_max_batchsize},
      {"search_max_batchsize", &S::search_max_batchsize},
      {"max_collection_vector_size_bytes", &S::max_collection_vector_size_bytes},
      {"read_rate_limit", &S::read_rate_limit},
      {"write_rate_limit", &S::write_rate_limit},
      {"max_collection_payload_size_bytes", &S::max_collection_payload_size_bytes},
      {"max_points_count", &S::max_points_count},
      {"filter_max_conditions", &S::filter_max_conditions},
      {"condition_max_size", &S::condition_max_size},
      {"max_payload_index_count", &S::max_payload_index_count},
      {"max_resident_memory_percent", &S::max_resident_memory_percent}};
  for (const auto& [key, member] : counts) {
    auto count = optional_uint(in, key, field, "usize");
    if (!count.ok()) return count.error();
    out.*member = count.value();
  }
  if (auto v = in.if_contains("search_max_oversampling"); v && !v->is_null()) {
    if (!v->is_number()) return type_error(field + ".search_max_oversampling", "f64");
    out.search_max_oversampling = json_double(*v);
  }
  if (auto v = in.if_contains("multivector_config"); v && !v->is_null()) {
    auto limits = per_vector_limits(*v, field + ".multivector_config", "max_vectors");
    if (!limits.ok()) return limits.error();
    out.multivector_config = std::move(limits.value());
  }
  if (auto v = in.if_contains("sparse_config"); v && !v->is_null()) {
    auto limits = per_vector_limits(*v, field + ".sparse_config", "max_length");
    if (!limits.ok()) return limits.error();
    out.sparse_config = std::move(limits.value());
  }
  return out;
}

Result<storage::PayloadStorageParams> parse_payload_params(const json::value& value,
                                                           const std::string& field) {
  if (!value.is_object()) return type_error(field, "struct PayloadStorageParams");
  auto memory = optional_string(value.get_object(), "memory", field);
  if (!memory.ok()) return memory.error();
  if (memory.value() == "pinned")
    return Error::validation("[" + field +
                             ".memory: `pinned` memory placement is not supported for payload "
                             "storage]");
  return storage::PayloadStorageParams{memory.value()};
}

}  // namespace sextant::api
