// Chooses the vector kernel table once per process, for the instruction-set level detected by
// common/cpu_features.hpp (the probe index/distance dispatches from too). The AVX2 table needs
// AVX2 + FMA, which every CPU of level kAvx2 or above has; the AVX-512 VNNI table (the AVX2 table
// with vpdpbusd int8 products) needs level kAvx512 and the VNNI feature.
#include "common/cpu_features.hpp"
#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

const VectorKernels& avx512_vnni_kernels() {
  static const VectorKernels table = [] {
    VectorKernels result = kAvx2Kernels;
    result.name = "avx512vnni";
    result.gemm_int8 = avx512_vnni_gemm_int8;
    result.gemm_int8_exact = avx512_vnni_gemm_int8_exact;
    return result;
  }();
  return table;
}

const VectorKernels& kernels_for(IsaLevel level) {
  if (level >= IsaLevel::kAvx512 && cpu_features().avx512vnni) return avx512_vnni_kernels();
  return level >= IsaLevel::kAvx2 ? kAvx2Kernels : kScalarKernels;
}

struct KernelTables {
  const VectorKernels* tables[3];
  size_t count;
};

const KernelTables& kernel_tables() {
  static const KernelTables tables = [] {
    KernelTables result{{&kScalarKernels, nullptr, nullptr}, 1};
    const VectorKernels& best = kernels_for(detected_isa_level());
    if (&best != &kScalarKernels && &best != &kAvx2Kernels &&
        detected_isa_level() >= IsaLevel::kAvx2) {
      result.tables[result.count++] = &kAvx2Kernels;
    }
    if (&best != &kScalarKernels) result.tables[result.count++] = &best;
    return result;
  }();
  return tables;
}

}  // namespace

const VectorKernels& vector_kernels() {
  const KernelTables& tables = kernel_tables();
  return *tables.tables[tables.count - 1];
}

const VectorKernels& vector_kernels_capped_at(IsaLevel cap) {
  return kernels_for(isa_level_capped_at(cap));
}

const VectorKernels* const* available_vector_kernels(size_t* count) {
  *count = kernel_tables().count;
  return kernel_tables().tables;
}

}  // namespace sextant::embed
