// Distance functions for dense vectors, with Qdrant's score conventions.
//
// Every kernel goes through ONE dispatch point: a KernelTable chosen once, at first use, for the
// instruction-set level common/cpu_features.hpp detects (AVX-512, AVX2+FMA, SSE4.1, scalar). The
// scalar table is the reference the others are tested against. Callers on a hot path fetch
// `kernels()` once and call its function pointers directly; everyone else uses the inline helpers
// below.
//
// Score conventions (as Qdrant):
//   Cosine     vectors are normalised on write, so score = dot(a, b); higher is better.
//   Dot        score = dot(a, b); higher is better.
//   Euclid     score = sqrt(sum (a-b)^2); lower is better.
//   Manhattan  score = sum |a-b|; lower is better.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/cpu_features.hpp"

namespace sextant::index {

enum class Distance { kCosine, kDot, kEuclid, kManhattan };

// Element type of stored vectors (Qdrant's `datatype`). float16 is IEEE binary16 held as its
// 16 bits; uint8 holds integer components 0..255 used as-is (no scaling).
enum class VectorDatatype { kFloat32, kFloat16, kUint8 };

inline size_t datatype_bytes(VectorDatatype type) {
  return type == VectorDatatype::kFloat32 ? 4 : type == VectorDatatype::kFloat16 ? 2 : 1;
}

// One implementation of every kernel for one instruction set. All functions accept any n
// (including 0 and sizes that are not a multiple of the vector width) and unaligned pointers.
struct KernelTable {
  std::string_view isa_name;  // "avx512", "avx2", "sse4", "scalar"

  float (*dot_f32)(const float* a, const float* b, size_t n);
  float (*l2_squared_f32)(const float* a, const float* b, size_t n);
  float (*l1_f32)(const float* a, const float* b, size_t n);

  float (*dot_f16)(const uint16_t* a, const uint16_t* b, size_t n);
  float (*l2_squared_f16)(const uint16_t* a, const uint16_t* b, size_t n);
  float (*l1_f16)(const uint16_t* a, const uint16_t* b, size_t n);

  float (*dot_u8)(const uint8_t* a, const uint8_t* b, size_t n);
  float (*l2_squared_u8)(const uint8_t* a, const uint8_t* b, size_t n);
  float (*l1_u8)(const uint8_t* a, const uint8_t* b, size_t n);

  // Exact integer kernels for scalar (int8) quantization. Components are in [-127, 127].
  int32_t (*dot_i8)(const int8_t* a, const int8_t* b, size_t n);
  int32_t (*l2_squared_i8)(const int8_t* a, const int8_t* b, size_t n);

  // Hamming distance of two bit strings of `words` u64 words (popcount of a XOR b), for binary
  // quantization codes.
  uint32_t (*hamming_u64)(const uint64_t* a, const uint64_t* b, size_t words);
};

// The table chosen for this CPU (the one dispatch point). Thread-safe; never changes.
const KernelTable& kernels();
// The portable reference implementation: the test oracle.
const KernelTable& scalar_kernels();
// Every table this CPU can run, best first (for tests and benchmarks).
std::vector<const KernelTable*> supported_kernel_tables();
// The table kernels() would choose on a CPU of at most level `cap` (for tests and benchmarks).
const KernelTable& kernels_capped_at(IsaLevel cap);

inline float dot(const float* a, const float* b, size_t n) { return kernels().dot_f32(a, b, n); }
inline float l2_squared(const float* a, const float* b, size_t n) {
  return kernels().l2_squared_f32(a, b, n);
}
inline float l1(const float* a, const float* b, size_t n) { return kernels().l1_f32(a, b, n); }

inline bool higher_is_better(Distance distance) {
  return distance == Distance::kCosine || distance == Distance::kDot;
}

// Qdrant's score of b against a (see the conventions above).
float score(Distance distance, const float* a, const float* b, size_t n);
float score(Distance distance, const uint16_t* a, const uint16_t* b, size_t n);
float score(Distance distance, const uint8_t* a, const uint8_t* b, size_t n);

// Scales v to unit L2 norm in place; a zero vector is left unchanged (as Qdrant does).
void normalize(float* v, size_t n);

// IEEE binary16 conversions (round to nearest even; overflow -> inf; NaN preserved).
float half_to_float(uint16_t half);
uint16_t float_to_half(float value);

}  // namespace sextant::index
