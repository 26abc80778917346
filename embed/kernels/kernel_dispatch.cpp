// Chooses the vector kernel table once per process, for the instruction-set level detected by
// common/cpu_features.hpp (the probe index/distance dispatches from too). The AVX2 table needs
// AVX2 + FMA, which every CPU of level kAvx2 or above has.
#include "common/cpu_features.hpp"
#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

const VectorKernels& kernels_for(IsaLevel level) {
  return level >= IsaLevel::kAvx2 ? kAvx2Kernels : kScalarKernels;
}

struct KernelTables {
  const VectorKernels* tables[2];
  size_t count;
};

const KernelTables& kernel_tables() {
  static const KernelTables tables = [] {
    KernelTables result{{&kScalarKernels, nullptr}, 1};
    const VectorKernels& best = kernels_for(detected_isa_level());
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
