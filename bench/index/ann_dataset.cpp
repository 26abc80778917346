// .fvecs/.ivecs readers and peak-RSS probe (ann_dataset.hpp).
#include "bench/index/ann_dataset.hpp"

#include <fstream>

namespace sextant::bench {
namespace {

template <typename T>
VecsFile<T> read_vecs(const std::string& path, std::string* error) {
  VecsFile<T> file;
  std::ifstream in(path, std::ios::binary);
  int32_t dim = 0;
  if (!in.read(reinterpret_cast<char*>(&dim), 4) || dim <= 0) {
    *error = "cannot read " + path;
    return file;
  }
  in.seekg(0, std::ios::end);
  const size_t bytes = size_t(in.tellg());
  const size_t row_bytes = 4 * (size_t(dim) + 1);
  file.dim = size_t(dim);
  file.rows = bytes / row_bytes;
  file.values.resize(file.rows * file.dim);
  in.seekg(0);
  for (size_t i = 0; i < file.rows; ++i) {
    in.seekg(4, std::ios::cur);
    in.read(reinterpret_cast<char*>(file.values.data() + i * file.dim), 4 * std::streamsize(dim));
  }
  if (!in) {
    *error = "truncated " + path;
    file.rows = 0;
  }
  return file;
}

}  // namespace

VecsFile<float> read_fvecs(const std::string& path, std::string* error) {
  return read_vecs<float>(path, error);
}
VecsFile<int32_t> read_ivecs(const std::string& path, std::string* error) {
  return read_vecs<int32_t>(path, error);
}

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

}  // namespace sextant::bench
