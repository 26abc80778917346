// A read-only view of a .safetensors file: an 8-byte little-endian header length, a JSON header
// mapping tensor names to {dtype, shape, data_offsets}, then the raw tensor bytes.
//
// The file is mmapped once; tensor() hands out pointers straight into the mapping, so they stay
// valid exactly as long as this object lives. Only F32 tensors are served (what BERT-family
// sentence-transformers checkpoints ship); other dtypes are listed but rejected on access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace sextant::embed {

struct TensorInfo {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin_offset = 0;  // relative to the start of the data section
  uint64_t end_offset = 0;
};

class SafetensorsFile {
 public:
  static Result<std::unique_ptr<SafetensorsFile>> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  // The F32 data of `name`, checked against `expected_shape`.
  Result<const float*> tensor(const std::string& name,
                              const std::vector<int64_t>& expected_shape) const;
  // Drops the mapping's pages from this process's resident set (madvise MADV_DONTNEED on a
  // read-only file mapping: the data stays valid and is read back from the page cache or the
  // file on the next access). For a caller that has copied what it needs, e.g. an int8 encoder
  // after quantising the weights; pointers from tensor() stay valid.
  void release_resident_pages() const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  const uint8_t* mapping_ = nullptr;
  size_t mapping_bytes_ = 0;
  const uint8_t* data_section_ = nullptr;
  std::map<std::string, TensorInfo> tensors_;
};

}  // namespace sextant::embed
