// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of stored code chunks
// (storage/code_chunks.hpp) and of HNSW graph images (index/hnsw/hnsw_image.hpp). Table-driven,
// one byte per step: both are checked once per load, off the search path, so speed matters less
// than having no dependency.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sextant {

// The CRC-32C of `bytes`, continuing from `crc` (the value a previous call returned; 0 to start).
uint32_t crc32c(std::span<const std::byte> bytes, uint32_t crc = 0);

}  // namespace sextant
