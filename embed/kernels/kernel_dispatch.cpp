// Chooses the vector kernel table once per process from the CPU's features.
#include "embed/kernels/vector_kernels.hpp"

namespace sextant::embed {
namespace {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

struct KernelTables {
  const VectorKernels* tables[2];
  size_t count;
};

const KernelTables& kernel_tables() {
  static const KernelTables tables = [] {
    KernelTables result{{&kScalarKernels, nullptr}, 1};
    if (cpu_has_avx2_fma()) result.tables[result.count++] = &kAvx2Kernels;
    return result;
  }();
  return tables;
}

}  // namespace

const VectorKernels& vector_kernels() {
  const KernelTables& tables = kernel_tables();
  return *tables.tables[tables.count - 1];
}

const VectorKernels* const* available_vector_kernels(size_t* count) {
  *count = kernel_tables().count;
  return kernel_tables().tables;
}

}  // namespace sextant::embed
