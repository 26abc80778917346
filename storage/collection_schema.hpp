// The part of a collection's configuration that storage and search act on: which vectors a
// point may carry and how they are compared and indexed. Derived from the full typed
// configuration (storage/collection_config.hpp) by schema_from_config.
//
// The unnamed default vector has the empty name "", as in Qdrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "index/distance/distance.hpp"
#include "index/quantization/binary_quantizer.hpp"
#include "index/quantization/turbo_quantizer.hpp"

namespace sextant::storage {

using index::Distance;
using Datatype = index::VectorDatatype;

struct HnswParams {
  uint32_t m = 16;
  uint32_t ef_construct = 100;
  uint64_t full_scan_threshold_kb = 10000;
  uint32_t max_indexing_threads = 0;
  bool on_disk = false;
  uint32_t payload_m = 0;  // 0: same as m
};

// Qdrant's `quantization_config` (collection-wide, or per named vector overriding it). The
// graph of a vector with one is walked on its codes, and the best candidates are rescored on the
// stored vectors (see storage/vector_index.hpp and storage/vector_codes.hpp).
//
// `scalar`: int8 codes; the graph's links are also chosen on them. `always_ram` is kept as
// configured for every kind: codes always live in memory.
struct ScalarQuantization {
  float quantile = 1.0f;  // fraction of |components| that must fit the int8 range unclipped
  bool always_ram = false;
};

// `binary`: bit codes walked by Hamming distance (index/quantization/binary_quantizer.hpp);
// scalar4bits / scalar8bits query encodings walk one_bit codes with a 4- or 8-bit query
// (binary_query.hpp) and are ignored by the other encodings.
enum class BinaryQueryEncoding { kDefault, kBinary, kScalar4Bits, kScalar8Bits };
struct BinaryQuantization {
  index::BinaryEncoding encoding = index::BinaryEncoding::kOneBit;
  BinaryQueryEncoding query_encoding = BinaryQueryEncoding::kDefault;
  bool always_ram = false;
};

// `product`: one byte per sub-vector, `compression` = float32 bytes per code byte (x4..x64).
struct ProductQuantization {
  uint32_t compression = 4;
  bool always_ram = false;
};

// `turbo`: random rotation, then Lloyd-Max levels per coordinate (index/quantization/
// turbo_quantizer.hpp); `bits` absent or null means bits4. Walked on its codes for Cosine, Dot
// and Euclid; Manhattan searches float32.
struct TurboQuantization {
  index::TurboBits bits = index::TurboBits::kBits4;
  bool always_ram = false;
};

using Quantization = std::variant<std::monostate, ScalarQuantization, BinaryQuantization,
                                  ProductQuantization, TurboQuantization>;

struct DenseVectorSpec {
  std::string name;
  uint32_t dim = 0;
  Distance distance = Distance::kCosine;
  // Element type in storage: float32 (4 bytes), float16 (IEEE binary16, 2 bytes) or uint8
  // (1 byte) per dimension, in dense chunks and multivector records alike.
  Datatype datatype = Datatype::kFloat32;
  bool multivector = false;   // rows of `dim` elements, compared with max_sim
  HnswParams hnsw;            // collection hnsw_config with this vector's overrides applied
  Quantization quantization;  // this vector's, else the collection's; monostate: none
};

// Qdrant's DEFAULT_SPARSE_FULL_SCAN_THRESHOLD: filtered searches matching fewer points scan.
constexpr uint64_t kDefaultSparseFullScanThreshold = 5000;

struct SparseVectorSpec {
  std::string name;
  bool idf_modifier = false;
  uint64_t full_scan_threshold = kDefaultSparseFullScanThreshold;  // in vectors, not KiB
};

struct CollectionSchema {
  std::vector<DenseVectorSpec> dense;
  std::vector<SparseVectorSpec> sparse;
  uint64_t indexing_threshold_kb = 10000;  // 0 disables indexing
  double deleted_threshold = 0.2;
  uint64_t vacuum_min_vector_number = 1000;
  bool on_disk_payload = true;

  const DenseVectorSpec* find_dense(const std::string& name) const {
    for (const auto& spec : dense)
      if (spec.name == name) return &spec;
    return nullptr;
  }
  const SparseVectorSpec* find_sparse(const std::string& name) const {
    for (const auto& spec : sparse)
      if (spec.name == name) return &spec;
    return nullptr;
  }
  int dense_index(const std::string& name) const {
    for (size_t i = 0; i < dense.size(); ++i)
      if (dense[i].name == name) return static_cast<int>(i);
    return -1;
  }
  int sparse_index(const std::string& name) const {
    for (size_t i = 0; i < sparse.size(); ++i)
      if (sparse[i].name == name) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace sextant::storage
