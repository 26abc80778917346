// Parses the safetensors header by hand (it is a small JSON object) and validates every tensor's
// byte range against the file size before anything dereferences it.
#include "embed/safetensors_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>

namespace sextant::embed {
namespace {

size_t dtype_bytes(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error{ErrorKind::kNotFound, "cannot open " + path + ": " + std::strerror(errno)};
  struct stat info {};
  if (::fstat(fd, &info) != 0 || info.st_size < 8) {
    ::close(fd);
    return Error::corrupted(path + " is too small to be a safetensors file");
  }
  size_t file_bytes = static_cast<size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED)
    return Error::corrupted("cannot mmap " + path + ": " + std::strerror(errno));

  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->mapping_ = static_cast<const uint8_t*>(mapped);
  file->mapping_bytes_ = file_bytes;

  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | file->mapping_[i];
  if (header_bytes > file_bytes - 8)
    return Error::corrupted(path + ": header length exceeds the file");
  file->data_section_ = file->mapping_ + 8 + header_bytes;
  uint64_t data_bytes = file_bytes - 8 - header_bytes;

  boost::system::error_code parse_error;
  boost::json::value header = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(file->mapping_ + 8), header_bytes),
      parse_error);
  if (parse_error || !header.is_object())
    return Error::corrupted(path + ": header is not a JSON object");

  for (const auto& [key, entry] : header.as_object()) {
    if (key == "__metadata__") continue;
    const auto* fields = entry.if_object();
    if (!fields)
      return Error::corrupted(path + ": tensor " + std::string(key) + " is not an object");
    const auto* dtype = fields->if_contains("dtype");
    const auto* shape = fields->if_contains("shape");
    const auto* offsets = fields->if_contains("data_offsets");
    if (!dtype || !dtype->is_string() || !shape || !shape->is_array() || !offsets ||
        !offsets->is_array() || offsets->as_array().size() != 2) {
      return Error::corrupted(path + ": tensor " + std::string(key) +
                              " lacks dtype/shape/data_offsets");
    }
    TensorInfo tensor;
    tensor.dtype = std::string(dtype->as_string());
    uint64_t elements = 1;
    for (const auto& dim : shape->as_array()) {
      if (!dim.is_int64() || dim.as_int64() < 0) {
        return Error::corrupted(path + ": tensor " + std::string(key) + " has a bad shape");
      }
      tensor.shape.push_back(dim.as_int64());
      elements *= static_cast<uint64_t>(dim.as_int64());
    }
    const auto& range = offsets->as_array();
    if (!range[0].is_int64() || !range[1].is_int64()) {
      return Error::corrupted(path + ": tensor " + std::string(key) + " has bad data_offsets");
    }
    tensor.begin_offset = static_cast<uint64_t>(range[0].as_int64());
    tensor.end_offset = static_cast<uint64_t>(range[1].as_int64());
    size_t element_bytes = dtype_bytes(tensor.dtype);
    if (element_bytes == 0 || tensor.begin_offset > tensor.end_offset ||
        tensor.end_offset > data_bytes ||
        tensor.end_offset - tensor.begin_offset != elements * element_bytes) {
      return Error::corrupted(path + ": tensor " + std::string(key) +
                              " has an inconsistent byte range");
    }
    file->tensors_.emplace(std::string(key), std::move(tensor));
  }
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (mapping_) ::munmap(const_cast<uint8_t*>(mapping_), mapping_bytes_);
}

Result<const float*> SafetensorsFile::tensor(const std::string& name,
                                             const std::vector<int64_t>& expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return Error::corrupted(path_ + ": tensor " + name + " is missing");
  const TensorInfo& info = it->second;
  if (info.dtype != "F32") {
    return Error::corrupted(path_ + ": tensor " + name + " is " + info.dtype +
                            ", only F32 is supported");
  }
  if (info.shape != expected_shape) {
    return Error::corrupted(path_ + ": tensor " + name + " has shape " + shape_text(info.shape) +
                            ", expected " + shape_text(expected_shape));
  }
  const uint8_t* bytes = data_section_ + info.begin_offset;
  if (reinterpret_cast<uintptr_t>(bytes) % alignof(float) != 0) {
    return Error::corrupted(path_ + ": tensor " + name + " is not 4-byte aligned");
  }
  return reinterpret_cast<const float*>(bytes);
}

void SafetensorsFile::release_resident_pages() const {
  if (mapping_ == nullptr) return;
  // Advice only: a failure leaves the pages resident, which is harmless.
  ::madvise(const_cast<uint8_t*>(mapping_), mapping_bytes_, MADV_DONTNEED);
}

}  // namespace sextant::embed
