// The one dispatch point for distance kernels: picks the KernelTable of the instruction-set level
// common/cpu_features.hpp detected for this CPU, once, and hands out the scalar reference table.
// Compiled for baseline x86-64.
#include "common/cpu_features.hpp"
#include "index/distance/distance.hpp"
#include "index/distance/isa_tables.hpp"
#include "index/distance/scalar_reference.hpp"

namespace sextant::index {
namespace {

float scalar_dot_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_f32(const float* a, const float* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
float scalar_dot_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_f16(const uint16_t* a, const uint16_t* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
float scalar_dot_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::dot(a, b, n);
}
float scalar_l2_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::l2_squared(a, b, n);
}
float scalar_l1_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  return scalar_reference::l1(a, b, n);
}
int32_t scalar_dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  return scalar_reference::dot_i8(a, b, n);
}
int32_t scalar_l2_i8(const int8_t* a, const int8_t* b, size_t n) {
  return scalar_reference::l2_squared_i8(a, b, n);
}

uint32_t scalar_hamming_u64(const uint64_t* a, const uint64_t* b, size_t words) {
  return scalar_reference::hamming_u64(a, b, words);
}

const KernelTable kScalarTable{"scalar",          scalar_dot_f32, scalar_l2_f32, scalar_l1_f32,
                               scalar_dot_f16,    scalar_l2_f16,  scalar_l1_f16, scalar_dot_u8,
                               scalar_l2_u8,      scalar_l1_u8,   scalar_dot_i8, scalar_l2_i8,
                               scalar_hamming_u64};

const KernelTable& kernels_for(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512:
      return avx512_kernels();
    case IsaLevel::kAvx2:
      return avx2_kernels();
    case IsaLevel::kSse4:
      return sse4_kernels();
    case IsaLevel::kScalar:
      break;
  }
  return kScalarTable;
}

}  // namespace

const KernelTable& kernels() {
  static const KernelTable& chosen = kernels_for(detected_isa_level());
  return chosen;
}

const KernelTable& scalar_kernels() { return kScalarTable; }

const KernelTable& kernels_capped_at(IsaLevel cap) { return kernels_for(isa_level_capped_at(cap)); }

std::vector<const KernelTable*> supported_kernel_tables() {
  std::vector<const KernelTable*> tables;
  for (IsaLevel level : supported_isa_levels()) tables.push_back(&kernels_for(level));
  return tables;
}

}  // namespace sextant::index
