// Reading the annbench dataset files (.fvecs / .ivecs: per row an int32 dimension then the row)
// and the process's peak resident set, for the sextant-ann driver.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sextant::bench {

template <typename T>
struct VecsFile {
  std::vector<T> values;  // rows x dim, row-major
  size_t rows = 0;
  size_t dim = 0;
  const T* row(size_t i) const { return values.data() + i * dim; }
};

// Empty result (rows == 0) with *error set when the file cannot be read.
VecsFile<float> read_fvecs(const std::string& path, std::string* error);
VecsFile<int32_t> read_ivecs(const std::string& path, std::string* error);

// VmHWM from /proc/self/status, in MiB.
double peak_rss_mb();

}  // namespace sextant::bench
