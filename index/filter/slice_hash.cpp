// SipHash-2-4 (Aumasson & Bernstein), written from the reference description: 2 compression
// rounds per 8-byte block, 4 finalisation rounds, the length in the top byte of the last block.
#include "index/filter/slice_hash.hpp"

#include <cstring>

namespace sextant::index::filter {
namespace {

inline uint64_t rotl(uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }

struct SipState {
  uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }

  void absorb(uint64_t block) {
    v3 ^= block;
    round();
    round();
    v0 ^= block;
  }
};

inline uint64_t load_le64(const uint8_t* p) {
  uint64_t x = 0;
  for (int i = 7; i >= 0; --i) x = (x << 8) | p[i];
  return x;
}

}  // namespace

uint64_t siphash24(const uint8_t* data, size_t size, uint64_t k0, uint64_t k1) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  size_t full = size & ~size_t{7};
  for (size_t i = 0; i < full; i += 8) s.absorb(load_le64(data + i));
  uint64_t last = static_cast<uint64_t>(size & 0xff) << 56;
  for (size_t i = 0; i < (size & 7); ++i) last |= static_cast<uint64_t>(data[full + i]) << (8 * i);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t slice_point_id_hash(const PointId& id) {
  if (id.is_uuid()) return siphash24(id.uuid.data(), id.uuid.size());
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(id.number >> (8 * i));
  return siphash24(bytes, sizeof(bytes));
}

}  // namespace sextant::index::filter
