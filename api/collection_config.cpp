#include "api/collection_config.hpp"
#include "api/json_numbers.hpp"

#include <boost/json/serialize.hpp>

#include "storage/schema_from_config.hpp"

namespace sextant::api {
namespace json = boost::json;
using storage::Error;
using storage::ErrorKind;
using storage::Result;
using storage::Status;

namespace {

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

Result<json::object> hnsw_diff(const json::value& value, const std::string& field) {
  if (value.is_null()) return json::object{};
  if (!value.is_object()) return type_error(field, "struct HnswConfigDiff");
  json::object out;
  for (const auto& [key, v] : value.get_object()) {
    if (key == "m" || key == "ef_construct" || key == "full_scan_threshold" ||
        key == "max_indexing_threads" || key == "payload_m") {
      if (v.is_null()) continue;
      if (!v.is_uint64() && !(v.is_int64() && v.get_int64() >= 0))
        return type_error(field + "." + std::string(key), "usize");
      if (key == "ef_construct" && v.to_number<uint64_t>() < 4)
        return Error::validation("[" + field + ".ef_construct: value " +
                                 std::to_string(v.to_number<uint64_t>()) +
                                 " invalid, must be 4 or larger]");
      if (key == "full_scan_threshold" && v.to_number<uint64_t>() < 10)
        return Error::validation("[" + field + ".full_scan_threshold: value " +
                                 std::to_string(v.to_number<uint64_t>()) +
                                 " invalid, must be 10 or larger]");
      out[key] = v.to_number<uint64_t>();
    } else if (key == "on_disk" || key == "inline_storage") {
      if (v.is_null()) continue;
      if (!v.is_bool()) return type_error(field + "." + std::string(key), "a boolean");
      out[key] = v;
    } else if (key == "memory") {
      if (!v.is_null()) out[key] = v;
    }
  }
  return out;
}

Result<json::object> vector_params(const json::value& value, const std::string& field) {
  if (!value.is_object()) return Error::format("data did not match any variant of untagged enum VectorsConfig");
  const auto& in = value.get_object();
  json::object out;
  auto size = in.if_contains("size");
  if (!size) return Error::format("missing field `size`");
  if (!size->is_uint64() && !(size->is_int64() && size->get_int64() >= 0))
    return Error::format("invalid type for `" + field + ".size`: expected u64");
  uint64_t dim = size->to_number<uint64_t>();
  if (dim == 0) return Error::format("invalid value: integer `0`, expected a nonzero u64");
  if (dim > kMaxVectorDimension)  // Qdrant names a named vector's field `vectors.?.size`
    return Error::validation("[" + (field == "vectors" ? field : std::string("vectors.?")) +
                             ".size: value " + std::to_string(dim) + " invalid, must be from 1 to " +
                             std::to_string(kMaxVectorDimension) + "]");
  out["size"] = dim;
  auto distance = in.if_contains("distance");
  if (!distance) return Error::format("missing field `distance`");
  if (!distance->is_string() ||
      (distance->get_string() != "Cosine" && distance->get_string() != "Euclid" &&
       distance->get_string() != "Dot" && distance->get_string() != "Manhattan")) {
    std::string got = distance->is_string() ? std::string(distance->get_string()) : "non-string";
    return Error::format("unknown variant `" + got +
                         "`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`");
  }
  out["distance"] = *distance;
  if (auto v = in.if_contains("hnsw_config"); v && !v->is_null()) {
    auto diff = hnsw_diff(*v, field + ".hnsw_config");
    if (!diff.ok()) return diff.error();
    out["hnsw_config"] = diff.value();
  }
  if (auto v = in.if_contains("quantization_config"); v && !v->is_null()) out["quantization_config"] = *v;
  if (auto v = in.if_contains("on_disk"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error(field + ".on_disk", "a boolean");
    out["on_disk"] = *v;
  }
  if (auto v = in.if_contains("memory"); v && !v->is_null()) out["memory"] = *v;
  if (auto v = in.if_contains("datatype"); v && !v->is_null()) {
    if (!v->is_string() || (v->get_string() != "float32" && v->get_string() != "float16" &&
                            v->get_string() != "uint8"))
      return Error::format("unknown variant for `datatype`, expected one of `float32`, `uint8`, `float16`");
    out["datatype"] = *v;
  }
  if (auto v = in.if_contains("multivector_config"); v && !v->is_null()) {
    if (!v->is_object() || !v->get_object().contains("comparator"))
      return Error::format("missing field `comparator`");
    out["multivector_config"] = *v;
  }
  return out;
}

Result<json::value> vectors_config(const json::value& value) {
  if (!value.is_object()) return Error::format("data did not match any variant of untagged enum VectorsConfig");
  const auto& in = value.get_object();
  if (in.contains("size") || in.contains("distance")) {
    auto params = vector_params(value, "vectors");
    if (!params.ok()) return params.error();
    return json::value(std::move(params.value()));
  }
  json::object named;
  for (const auto& [name, params] : in) {
    if (auto st = check_vector_name(std::string(name)); !st.ok()) return st.error();
    auto parsed = vector_params(params, "vectors." + std::string(name));
    if (!parsed.ok()) return parsed.error();
    named[name] = std::move(parsed.value());
  }
  return json::value(std::move(named));
}

Result<json::object> sparse_config(const json::value& value) {
  if (!value.is_object()) return type_error("sparse_vectors", "a map");
  json::object out;
  for (const auto& [name, params] : value.get_object()) {
    if (auto st = check_vector_name(std::string(name)); !st.ok()) return st.error();
    json::object p;
    if (params.is_object()) {
      for (const auto& [key, v] : params.get_object()) {
        if (key == "modifier" && !v.is_null()) {
          if (!v.is_string() || (v.get_string() != "none" && v.get_string() != "idf"))
            return Error::format("unknown variant for `modifier`, expected one of `none`, `idf`");
          p[key] = v;
        } else if (key == "index" && !v.is_null()) {
          p[key] = v;
        }
      }
    } else if (!params.is_null()) {
      return type_error("sparse_vectors." + std::string(name), "struct SparseVectorParams");
    }
    out[name] = std::move(p);
  }
  return out;
}

json::object default_optimizer(const ApiConfig& defaults) {
  json::object o;
  o["deleted_threshold"] = defaults.deleted_threshold;
  o["vacuum_min_vector_number"] = defaults.vacuum_min_vector_number;
  o["default_segment_number"] = defaults.default_segment_number.value_or(0);
  o["max_segment_size"] = nullptr;
  o["memmap_threshold"] = nullptr;
  o["indexing_threshold"] = defaults.indexing_threshold_kb;
  o["flush_interval_sec"] = defaults.flush_interval_sec;
  o["max_optimization_threads"] = nullptr;
  return o;
}

Status merge_optimizer(json::object& target, const json::value& diff) {
  if (diff.is_null()) return {};
  if (!diff.is_object()) return type_error("optimizers_config", "struct OptimizersConfigDiff");
  for (const auto& [key, v] : diff.get_object()) {
    if (key == "deleted_threshold") {
      if (!v.is_number()) return type_error("optimizers_config.deleted_threshold", "f64");
      double d = json_double(v);
      if (d < 0 || d > 1)
        return Error::validation("[optimizers_config.deleted_threshold: value " + json_number_text(v) +
                                 " invalid, must be from 0 to 1]");
      target[key] = d;
    } else if (key == "vacuum_min_vector_number") {
      if (!v.is_number()) return type_error("optimizers_config.vacuum_min_vector_number", "usize");
      if (!json_uint(v)) return type_error("optimizers_config.vacuum_min_vector_number", "usize");
      if (*json_uint(v) < 100)
        return Error::validation("[optimizers_config.vacuum_min_vector_number: value " +
                                 json_number_text(v) + " invalid, must be 100 or larger]");
      target[key] = v;
    } else if (key == "default_segment_number" || key == "flush_interval_sec") {
      if (!v.is_number()) return type_error("optimizers_config." + std::string(key), "usize");
      target[key] = v;
    } else if (key == "max_segment_size" || key == "memmap_threshold" ||
               key == "indexing_threshold" || key == "max_optimization_threads") {
      if (!v.is_null() && !v.is_number() && !v.is_string())
        return type_error("optimizers_config." + std::string(key), "usize");
      target[key] = v;
    } else if (key == "prevent_unoptimized") {
      target[key] = v;
    }
  }
  return {};
}

Status merge_object(json::object& target, const char* field, const json::value& diff,
                    Result<json::object> (*parse)(const json::value&, const std::string&)) {
  if (diff.is_null()) return {};
  auto parsed = parse(diff, field);
  if (!parsed.ok()) return parsed.error();
  for (const auto& [key, v] : parsed.value()) target[key] = v;
  return {};
}

Result<json::object> wal_diff(const json::value& value, const std::string& field) {
  if (!value.is_object()) return type_error(field, "struct WalConfigDiff");
  json::object out;
  for (const auto& [key, v] : value.get_object()) {
    if (v.is_null()) continue;
    if (!json_uint(v)) return type_error(field + "." + std::string(key), "usize");
    if ((key == "wal_capacity_mb" || key == "wal_retain_closed") && *json_uint(v) < 1)
      return Error::validation("[" + field + "." + std::string(key) + ": value " +
                               json_number_text(v) + " invalid, must be 1 or larger]");
    out[key] = v;
  }
  return out;
}

Result<json::object> strict_mode(const json::value& value, const std::string& field) {
  if (!value.is_object()) return type_error(field, "struct StrictModeConfig");
  return value.get_object();
}

}  // namespace

Result<storage::CollectionConfig> config_from_create_body(const json::object& body,
                                                          const ApiConfig& defaults) {
  json::object params;
  if (auto v = body.if_contains("vectors"); v && !v->is_null()) {
    auto vectors = vectors_config(*v);
    if (!vectors.ok()) return vectors.error();
    params["vectors"] = std::move(vectors.value());
  } else {
    params["vectors"] = json::object{};
  }
  auto positive = [&](const char* key, uint64_t fallback) -> Result<uint64_t> {
    auto v = body.if_contains(key);
    if (!v || v->is_null()) return fallback;
    if (!json_uint(*v)) return type_error(key, "a nonzero u32");
    if (*json_uint(*v) == 0)
      return Error::format(std::string("invalid value: integer `0`, expected a nonzero u32 for `") + key + "`");
    return v->to_number<uint64_t>();
  };
  for (const char* key : {"shard_number", "replication_factor", "write_consistency_factor"}) {
    auto n = positive(key, 1);
    if (!n.ok()) return n.error();
    params[key] = n.value();
  }
  if (auto v = body.if_contains("sharding_method"); v && !v->is_null()) params["sharding_method"] = *v;
  bool on_disk_payload = defaults.on_disk_payload;
  if (auto v = body.if_contains("on_disk_payload"); v && !v->is_null()) {
    if (!v->is_bool()) return type_error("on_disk_payload", "a boolean");
    on_disk_payload = v->get_bool();
  }
  params["on_disk_payload"] = on_disk_payload;
  if (auto v = body.if_contains("payload"); v && !v->is_null()) params["payload"] = *v;
  if (auto v = body.if_contains("sparse_vectors"); v && !v->is_null()) {
    auto sparse = sparse_config(*v);
    if (!sparse.ok()) return sparse.error();
    params["sparse_vectors"] = std::move(sparse.value());
  }

  json::object hnsw{{"m", defaults.hnsw_m},
                    {"ef_construct", defaults.hnsw_ef_construct},
                    {"full_scan_threshold", defaults.hnsw_full_scan_threshold_kb},
                    {"max_indexing_threads", defaults.max_indexing_threads},
                    {"on_disk", false}};
  if (auto v = body.if_contains("hnsw_config"))
    if (auto st = merge_object(hnsw, "hnsw_config", *v, hnsw_diff); !st.ok()) return st.error();
  json::object optimizer = default_optimizer(defaults);
  if (auto v = body.if_contains("optimizers_config"))
    if (auto st = merge_optimizer(optimizer, *v); !st.ok()) return st.error();
  json::object wal{{"wal_capacity_mb", 32}, {"wal_segments_ahead", 0}, {"wal_retain_closed", 1}};
  if (auto v = body.if_contains("wal_config"))
    if (auto st = merge_object(wal, "wal_config", *v, wal_diff); !st.ok()) return st.error();

  storage::CollectionConfig config;
  json::object& reported = config.reported;
  reported["params"] = std::move(params);
  reported["hnsw_config"] = std::move(hnsw);
  reported["optimizer_config"] = std::move(optimizer);
  reported["wal_config"] = std::move(wal);
  auto quantization = body.if_contains("quantization_config");
  reported["quantization_config"] = quantization ? *quantization : json::value(nullptr);
  if (auto v = body.if_contains("strict_mode_config"); v && !v->is_null()) {
    auto strict = strict_mode(*v, "strict_mode_config");
    if (!strict.ok()) return strict.error();
    reported["strict_mode_config"] = std::move(strict.value());
  } else {
    reported["strict_mode_config"] = json::object{{"enabled", false}};
  }
  if (auto v = body.if_contains("metadata"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("metadata", "a map");
    reported["metadata"] = *v;
  }
  auto schema = storage::schema_from_config(reported);
  if (!schema.ok()) return schema.error();
  config.schema = std::move(schema.value());
  if (config.schema.dense.size() > 64)
    return Error::bad_input("a collection may have at most 64 dense vectors");
  return config;
}

Result<json::object> apply_update_body(const json::object& reported_in, const json::object& body) {
  json::object reported = reported_in;
  json::object& params = reported["params"].as_object();
  if (auto v = body.if_contains("vectors"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("vectors", "a map");
    json::value& vectors = params["vectors"];
    bool single = vectors.is_object() && vectors.get_object().contains("size");
    for (const auto& [name, diff] : v->get_object()) {
      json::object* target = nullptr;
      if (single && name.empty()) target = &vectors.as_object();
      else if (!single && vectors.as_object().contains(name)) target = &vectors.as_object()[name].as_object();
      if (!target) return Error::bad_input("Not existing vector name error: " + std::string(name));
      if (!diff.is_object()) return type_error("vectors." + std::string(name), "struct VectorParamsDiff");
      for (const auto& [key, value] : diff.get_object()) {
        if (key == "hnsw_config") {
          json::object merged = target->contains("hnsw_config") ? (*target)["hnsw_config"].as_object() : json::object{};
          if (auto st = merge_object(merged, "hnsw_config", value, hnsw_diff); !st.ok()) return st.error();
          (*target)["hnsw_config"] = std::move(merged);
        } else if (key == "quantization_config" || key == "on_disk" || key == "memory") {
          (*target)[key] = value;
        }
      }
    }
  }
  if (auto v = body.if_contains("params"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("params", "struct CollectionParamsDiff");
    for (const auto& [key, value] : v->get_object()) {
      if (value.is_null()) continue;
      if (key == "replication_factor" || key == "write_consistency_factor" ||
          key == "read_fan_out_factor" || key == "read_fan_out_delay_ms") {
        if (!value.is_number()) return type_error("params." + std::string(key), "u32");
        params[key] = value;
      } else if (key == "on_disk_payload") {
        if (!value.is_bool()) return type_error("params.on_disk_payload", "a boolean");
        params[key] = value;
      } else if (key == "payload") {
        params[key] = value;
      }
    }
  }
  if (auto v = body.if_contains("hnsw_config"))
    if (auto st = merge_object(reported["hnsw_config"].as_object(), "hnsw_config", *v, hnsw_diff); !st.ok())
      return st.error();
  if (auto v = body.if_contains("optimizers_config"))
    if (auto st = merge_optimizer(reported["optimizer_config"].as_object(), *v); !st.ok()) return st.error();
  if (auto v = body.if_contains("quantization_config"); v) {
    if (v->is_string() && v->get_string() == "Disabled") reported["quantization_config"] = nullptr;
    else if (!v->is_null()) reported["quantization_config"] = *v;
  }
  if (auto v = body.if_contains("sparse_vectors"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("sparse_vectors", "a map");
    json::value& sparse = params["sparse_vectors"];
    for (const auto& [name, diff] : v->get_object()) {
      if (!sparse.is_object() || !sparse.as_object().contains(name))
        return Error::bad_input("Not existing vector name error: " + std::string(name));
      if (diff.is_object())
        for (const auto& [key, value] : diff.get_object()) sparse.as_object()[name].as_object()[key] = value;
    }
  }
  if (auto v = body.if_contains("strict_mode_config"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("strict_mode_config", "struct StrictModeConfig");
    json::object& strict = reported["strict_mode_config"].is_object()
                               ? reported["strict_mode_config"].as_object()
                               : (reported["strict_mode_config"] = json::object{}).as_object();
    for (const auto& [key, value] : v->get_object()) strict[key] = value;
  }
  if (auto v = body.if_contains("metadata"); v && !v->is_null()) {
    if (!v->is_object()) return type_error("metadata", "a map");
    json::value& metadata = reported["metadata"];
    if (!metadata.is_object()) metadata = json::object{};
    for (const auto& [key, value] : v->get_object()) metadata.as_object()[key] = value;
  }
  return reported;
}

}  // namespace sextant::api
