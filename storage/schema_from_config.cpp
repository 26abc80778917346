#include "storage/schema_from_config.hpp"

#include <charconv>

namespace sextant::storage {
namespace json = boost::json;
namespace {

uint64_t get_u64(const json::object& obj, const char* key, uint64_t fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_number()) return fallback;
  return it->value().to_number<uint64_t>();
}

bool get_bool(const json::object& obj, const char* key, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_bool()) return fallback;
  return it->value().get_bool();
}

HnswParams hnsw_from(const json::object* obj, const HnswParams& base) {
  HnswParams params = base;
  if (!obj) return params;
  params.m = static_cast<uint32_t>(get_u64(*obj, "m", base.m));
  params.ef_construct = static_cast<uint32_t>(get_u64(*obj, "ef_construct", base.ef_construct));
  params.full_scan_threshold_kb = get_u64(*obj, "full_scan_threshold", base.full_scan_threshold_kb);
  params.max_indexing_threads =
      static_cast<uint32_t>(get_u64(*obj, "max_indexing_threads", base.max_indexing_threads));
  params.on_disk = get_bool(*obj, "on_disk", base.on_disk);
  params.payload_m = static_cast<uint32_t>(get_u64(*obj, "payload_m", base.payload_m));
  return params;
}

std::string get_string(const json::object& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

BinaryQuantization binary_from(const json::object& binary) {
  BinaryQuantization out;
  const std::string encoding = get_string(binary, "encoding");
  if (encoding == "two_bits") out.encoding = index::BinaryEncoding::kTwoBits;
  if (encoding == "one_and_half_bits") out.encoding = index::BinaryEncoding::kOneAndHalfBits;
  const std::string query = get_string(binary, "query_encoding");
  if (query == "binary") out.query_encoding = BinaryQueryEncoding::kBinary;
  if (query == "scalar4bits") out.query_encoding = BinaryQueryEncoding::kScalar4Bits;
  if (query == "scalar8bits") out.query_encoding = BinaryQueryEncoding::kScalar8Bits;
  out.always_ram = get_bool(binary, "always_ram", false);
  return out;
}

ProductQuantization product_from(const json::object& product) {
  ProductQuantization out;
  const std::string compression = get_string(product, "compression");
  uint32_t ratio = 0;
  if (compression.size() > 1 && compression[0] == 'x' &&
      std::from_chars(compression.data() + 1, compression.data() + compression.size(), ratio).ec ==
          std::errc() &&
      ratio >= 1)
    out.compression = ratio;
  out.always_ram = get_bool(product, "always_ram", false);
  return out;
}

TurboQuantization turbo_from(const json::object& turbo) {
  TurboQuantization out;
  const std::string bits = get_string(turbo, "bits");
  if (bits == "bits1") out.bits = index::TurboBits::kBits1;
  if (bits == "bits1_5") out.bits = index::TurboBits::kBits1_5;
  if (bits == "bits2") out.bits = index::TurboBits::kBits2;
  out.always_ram = get_bool(turbo, "always_ram", false);
  return out;
}

// `quantization_config` as Qdrant reports it: {"scalar": {...}}, {"binary": {...}},
// {"product": {...}}, {"turbo": {...}}; null or absent inherits `inherited`.
Quantization quantization_from(const json::value* config, const Quantization& inherited) {
  if (!config || config->is_null()) return inherited;
  if (!config->is_object()) return std::monostate{};
  const auto& variants = config->get_object();
  if (auto it = variants.find("scalar"); it != variants.end() && it->value().is_object()) {
    const auto& scalar = it->value().get_object();
    ScalarQuantization out;
    if (auto q = scalar.find("quantile"); q != scalar.end() && q->value().is_number())
      out.quantile = static_cast<float>(q->value().to_number<double>());
    out.always_ram = get_bool(scalar, "always_ram", false);
    return out;
  }
  if (auto it = variants.find("binary"); it != variants.end() && it->value().is_object())
    return binary_from(it->value().get_object());
  if (auto it = variants.find("product"); it != variants.end() && it->value().is_object())
    return product_from(it->value().get_object());
  if (auto it = variants.find("turbo"); it != variants.end() && it->value().is_object())
    return turbo_from(it->value().get_object());
  return std::monostate{};
}

Result<Distance> parse_distance(const json::value& value) {
  if (!value.is_string()) return Error::internal("distance is not a string");
  const auto& s = value.get_string();
  if (s == "Cosine") return Distance::kCosine;
  if (s == "Dot") return Distance::kDot;
  if (s == "Euclid") return Distance::kEuclid;
  if (s == "Manhattan") return Distance::kManhattan;
  return Error::internal("unknown distance " + std::string(s));
}

Result<DenseVectorSpec> dense_from(const std::string& name, const json::object& params,
                                   const HnswParams& collection_hnsw,
                                   const Quantization& collection_quantization) {
  DenseVectorSpec spec;
  spec.name = name;
  spec.dim = static_cast<uint32_t>(get_u64(params, "size", 0));
  auto distance_it = params.find("distance");
  if (distance_it == params.end()) return Error::internal("vector params without distance");
  auto distance = parse_distance(distance_it->value());
  if (!distance) return distance.error();
  spec.distance = distance.value();
  if (auto it = params.find("datatype"); it != params.end() && it->value().is_string()) {
    const auto& d = it->value().get_string();
    spec.datatype = d == "float16" ? Datatype::kFloat16
                                   : (d == "uint8" ? Datatype::kUint8 : Datatype::kFloat32);
  }
  if (auto it = params.find("multivector_config"); it != params.end() && it->value().is_object())
    spec.multivector = true;
  const json::object* overrides = nullptr;
  if (auto it = params.find("hnsw_config"); it != params.end() && it->value().is_object())
    overrides = &it->value().get_object();
  spec.hnsw = hnsw_from(overrides, collection_hnsw);
  spec.quantization =
      quantization_from(params.if_contains("quantization_config"), collection_quantization);
  return spec;
}

}  // namespace

const char* distance_name(Distance distance) {
  switch (distance) {
    case Distance::kCosine:
      return "Cosine";
    case Distance::kDot:
      return "Dot";
    case Distance::kEuclid:
      return "Euclid";
    case Distance::kManhattan:
      return "Manhattan";
  }
  return "Cosine";
}

Result<CollectionSchema> schema_from_config(const json::object& reported) {
  CollectionSchema schema;
  const json::object* params = nullptr;
  if (auto it = reported.find("params"); it != reported.end() && it->value().is_object())
    params = &it->value().get_object();
  if (!params) return Error::internal("collection config without params");

  const json::object* hnsw = nullptr;
  if (auto it = reported.find("hnsw_config"); it != reported.end() && it->value().is_object())
    hnsw = &it->value().get_object();
  HnswParams collection_hnsw = hnsw_from(hnsw, HnswParams{});
  const Quantization collection_quantization =
      quantization_from(reported.if_contains("quantization_config"), std::monostate{});

  if (auto it = params->find("vectors"); it != params->end() && it->value().is_object()) {
    const auto& vectors = it->value().get_object();
    if (vectors.contains("size") || vectors.contains("distance")) {
      auto spec = dense_from("", vectors, collection_hnsw, collection_quantization);
      if (!spec) return spec.error();
      schema.dense.push_back(std::move(spec.value()));
    } else {
      for (const auto& [name, value] : vectors) {
        if (!value.is_object()) return Error::internal("named vector params are not an object");
        auto spec = dense_from(std::string(name), value.get_object(), collection_hnsw,
                               collection_quantization);
        if (!spec) return spec.error();
        schema.dense.push_back(std::move(spec.value()));
      }
    }
  }
  if (auto it = params->find("sparse_vectors"); it != params->end() && it->value().is_object()) {
    for (const auto& [name, value] : it->value().get_object()) {
      SparseVectorSpec spec;
      spec.name = std::string(name);
      if (value.is_object()) {
        auto m = value.get_object().find("modifier");
        spec.idf_modifier = m != value.get_object().end() && m->value().is_string() &&
                            m->value().get_string() == "idf";
      }
      schema.sparse.push_back(std::move(spec));
    }
  }
  schema.on_disk_payload = get_bool(*params, "on_disk_payload", true);
  if (auto it = reported.find("optimizer_config");
      it != reported.end() && it->value().is_object()) {
    const auto& optimizer = it->value().get_object();
    schema.indexing_threshold_kb = get_u64(optimizer, "indexing_threshold", 10000);
    if (auto d = optimizer.find("deleted_threshold");
        d != optimizer.end() && d->value().is_number())
      schema.deleted_threshold = d->value().to_number<double>();
    schema.vacuum_min_vector_number = get_u64(optimizer, "vacuum_min_vector_number", 1000);
  }
  return schema;
}

}  // namespace sextant::storage
