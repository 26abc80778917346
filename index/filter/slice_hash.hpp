// The hash behind the `slice` condition, a public contract of Qdrant 1.19: SipHash-2-4 with a
// zero key over a point id's canonical bytes (8 little-endian bytes for numeric ids, the 16
// RFC 4122 bytes for UUIDs). Clients reproduce it to predict slice membership, so it never changes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "index/point_id.hpp"

namespace sextant::index::filter {

// SipHash-2-4 of `data` with the 128-bit key (k0, k1).
uint64_t siphash24(const uint8_t* data, size_t size, uint64_t k0 = 0, uint64_t k1 = 0);

uint64_t slice_point_id_hash(const PointId& id);

// True when `id` belongs to slice `index` of `total` (total >= 1).
inline bool in_slice(const PointId& id, uint32_t total, uint32_t index) {
  return slice_point_id_hash(id) % total == index;
}

}  // namespace sextant::index::filter
