// On-disk layout of one collection's LMDB environment.
//
//   meta          "next_offset" -> u32, "last_op" -> u64, "format" -> u32
//   id_to_offset  PointId key (17 bytes, ordered) -> PointMeta (offset, version, vectors)
//   offset_to_id  u32 offset (MDB_INTEGERKEY) -> PointMeta
//   dense:<i>     u32 chunk number (MDB_INTEGERKEY) -> `per_chunk` vectors of dim elements of
//                 the vector's datatype: float32, float16 (IEEE binary16) or uint8 (1 byte)
//   multi:<i>     (instead of dense:<i> when dense vector i is a multivector)
//                 u32 offset -> u32 rows, values[rows * dim] as elements of the datatype
//   sparse:<i>    u32 offset -> u32 count, u32 indices[count], f32 values[count]
//   payload       u32 offset -> serialized JSON object
//   payload_index field name -> field schema JSON (payload indexes, rebuilt in memory at open)
//   graph         per indexed dense vector i: "image<i>" -> HNSW image (index/hnsw/
//                 hnsw_image.hpp); quantized codes under their kind's keys (code_chunks.hpp)
//
// Offsets are internal point numbers, allocated increasingly and never reused: a point whose
// vectors change gets a new offset and its old one becomes a tombstone, so graph nodes never
// change meaning. Dense vectors are packed `per_chunk` to a value so a 384-float vector does not
// occupy its own overflow page; a chunk is a contiguous run of pages in the map, read in place.
//
// Format versions: 1 stored every element as float32 whatever the datatype (float32 vectors are
// byte-identical in both); 2 stores float16 and uint8 vectors at 2 and 1 bytes per element.
// Opening a format-1 collection rewrites its float16/uint8 vectors (storage/format_upgrade.hpp).
#pragma once

#include <cstdint>
#include <cstring>

#include "index/point_id.hpp"

namespace sextant::storage::layout {

constexpr uint32_t kFormatVersion = 2;
constexpr uint32_t kFloat32ElementsFormatVersion = 1;
constexpr char kNextOffsetKey[] = "next_offset";  // meta key of the offset counter
constexpr size_t kPageSize = 4096;
constexpr size_t kOverflowHeaderBytes = 16;

// Number of vectors per chunk: a power of two whose chunk fits its overflow pages with the least
// waste, capped at 128 KiB per chunk (a single-point update rewrites one chunk).
// `vector_bytes` is one stored vector's size (storage/vector_elements.hpp).
inline uint32_t vectors_per_chunk_of(size_t vector_bytes) {
  uint32_t best = 1;
  double best_waste = 1e9;
  for (uint32_t n = 1; n <= 1024; n *= 2) {
    size_t bytes = n * vector_bytes + kOverflowHeaderBytes;
    if (n > 1 && bytes > (128u << 10)) break;
    size_t pages = (bytes + kPageSize - 1) / kPageSize;
    double waste = double(pages * kPageSize - bytes) / double(pages * kPageSize);
    if (waste < best_waste - 1e-9 || (waste < 0.02 && n > best)) {
      best = n;
      best_waste = waste;
    }
  }
  return best;
}

#pragma pack(push, 1)
struct PointMeta {
  uint8_t id_key[index::PointId::kKeySize];
  uint32_t offset;
  uint64_t version;
  uint64_t dense_mask;  // bit i: the point carries schema.dense[i]
};
#pragma pack(pop)
static_assert(sizeof(PointMeta) == 37);
constexpr size_t kMaxDenseVectors = 64;

inline PointMeta make_meta(const index::PointId& id, uint32_t offset, uint64_t version,
                           uint64_t dense_mask) {
  PointMeta meta{};
  auto key = id.to_key();
  std::memcpy(meta.id_key, key.data(), key.size());
  meta.offset = offset;
  meta.version = version;
  meta.dense_mask = dense_mask;
  return meta;
}

}  // namespace sextant::storage::layout
