#include "storage/disk_space.hpp"

#include <sys/statvfs.h>

#include <filesystem>

namespace sextant::storage {

std::optional<uint64_t> available_bytes(const std::string& path) {
  std::filesystem::path probe =
      path.empty() ? std::filesystem::path(".") : std::filesystem::path(path);
  std::error_code ec;
  while (!std::filesystem::exists(probe, ec) && probe.has_parent_path() &&
         probe.parent_path() != probe)
    probe = probe.parent_path();
  struct statvfs stats {};
  if (::statvfs(probe.c_str(), &stats) != 0) return std::nullopt;
  return uint64_t(stats.f_bavail) * uint64_t(stats.f_frsize);
}

bool filesystem_full(const std::string& path, uint64_t reserve_bytes) {
  auto free = available_bytes(path);
  return free && *free < reserve_bytes;
}

Status require_free_space(const std::string& path, uint64_t needed_bytes,
                          std::string_view operation) {
  auto free = available_bytes(path);
  if (!free || *free >= needed_bytes) return {};
  return Error::no_space(std::string(operation) + " needs " + std::to_string(needed_bytes) +
                         " bytes, " + std::to_string(*free) + " are available at " + path);
}

}  // namespace sextant::storage
