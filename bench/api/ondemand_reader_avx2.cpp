// The plain-vector reader under simdjson's AVX2 (haswell) on-demand kernel: this file is
// compiled with -mavx2 and the bit-manipulation options, so it runs only where they exist.
#define ONDEMAND_READER_NAMESPACE avx2
#include "ondemand_reader.hpp"
