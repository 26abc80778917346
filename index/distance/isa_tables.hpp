// The per-ISA kernel tables, each defined in its own translation unit compiled with that ISA's
// flags. Only dispatch.cpp may call them, and only after checking the CPU supports the ISA.
#pragma once

#include "index/distance/distance.hpp"

namespace sextant::index {

const KernelTable& avx512_kernels();
const KernelTable& avx2_kernels();
const KernelTable& sse4_kernels();

}  // namespace sextant::index
