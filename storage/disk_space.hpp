// Free space on the filesystem holding a path (statvfs), and the checks that refuse a write or a
// large operation up front when the filesystem cannot hold it.
//
// Invariants: a path that does not exist yet is measured at its nearest existing ancestor; a
// filesystem that cannot be measured counts as having room (the write itself still fails
// cleanly if it has none).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace sextant::storage {

// Bytes an unprivileged writer may still use on the filesystem holding `path`; nullopt when it
// cannot be measured.
std::optional<uint64_t> available_bytes(const std::string& path);

// True when the filesystem holding `path` has less than `reserve_bytes` left for writers
// (default: a few LMDB pages' worth).
bool filesystem_full(const std::string& path, uint64_t reserve_bytes = 64 * 1024);

// Refuses `operation` (e.g. "creating a snapshot") when `path`'s filesystem has fewer than
// `needed_bytes` free, with Qdrant's "No space left on device" wording and both figures.
Status require_free_space(const std::string& path, uint64_t needed_bytes,
                          std::string_view operation);

}  // namespace sextant::storage
