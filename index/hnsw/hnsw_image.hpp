// HnswImageView: searches a serialized HNSW graph in place, from read-only memory (an LMDB
// value, an mmap), without deserialising it: opening is O(1), so a restart answers at once.
//
// Image format (little-endian; every section starts at a multiple of 64 bytes from the start):
//   header    ImageHeader below
//   level0    capacity x (1 + 2m) u32: [count, neighbour...]
//   levels    capacity x i8: top level of each offset, -1 when the offset is not in the graph
//   deleted   ceil(capacity / 64) u64: tombstones at serialization time
//   upper_at  capacity x u32: index into `upper` of a node's level-1 list, or ~0u
//   upper     per node with level L >= 1: L x (1 + m) u32, levels 1..L
// The memory must be 8-byte aligned and stay valid and unchanged while the view is used.
// Later deletes are passed per search through SearchRequest::alive.
//
// Checksums (format version 2): `header_crc32c` is the CRC-32C (common/crc32c.hpp) of the header
// bytes before it, checked by open() (O(1)); `body_crc32c` covers every byte after the header
// (padding included), checked by verify() and from_image() (O(size)). Version 1 images carry no
// checksum and are refused with kCorrupted ("format version 1 ...") so the caller rebuilds and
// rewrites them.
//
// Invariant: a search on a view that was opened but not verified never leaves the image nor
// visits an offset at or past the header's `offset_limit`, whatever the body holds (link counts
// are clamped, out-of-range links and upper levels are skipped): a damaged body can only lower
// recall until verify() finds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/hnsw/hnsw_params.hpp"
#include "index/hnsw/search_request.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

struct HnswImageHeader {
  char magic[8];  // "SXHNSW01"
  uint32_t format_version;
  uint32_t distance;
  uint32_t datatype;
  uint32_t dim;
  uint32_t m;
  uint32_t ef_construct;
  uint64_t seed;
  uint32_t capacity;
  uint32_t entry_point;
  int32_t max_level;
  uint32_t offset_limit;  // every node's offset is below this
  uint64_t points_count;
  uint64_t deleted_count;
  uint64_t level0_at;
  uint64_t levels_at;
  uint64_t deleted_at;
  uint64_t upper_at_at;
  uint64_t upper_links_at;
  uint64_t upper_links_words;
  uint64_t total_bytes;
  uint32_t header_crc32c;  // of the bytes above (version 2)
  uint32_t body_crc32c;    // of bytes [sizeof(HnswImageHeader), total_bytes) (version 2)
};

class HnswImageView {
 public:
  // The format version serialize() writes.
  static constexpr uint32_t kFormatVersion = 2;

  // Validates the header, its checksum and the section bounds (O(1)); a kCorrupted Error
  // ("invalid HNSW image: ...") when malformed or of another format version.
  static Result<HnswImageView> open(std::span<const std::byte> image);
  // Checks the body against its checksum (reads the whole image); kCorrupted when it differs.
  Status verify() const;

  const HnswParams& params() const { return params_; }
  size_t points_count() const { return header_->points_count; }
  size_t deleted_count() const { return header_->deleted_count; }
  bool contains(uint32_t offset) const;
  bool is_deleted(uint32_t offset) const;

  std::vector<ScoredOffset> search(const SearchRequest& request, const VectorSource& source) const;

 private:
  friend class HnswGraph;
  friend class HnswImageAccess;
  HnswImageView() = default;

  HnswParams params_;
  const HnswImageHeader* header_ = nullptr;
  const uint32_t* level0_ = nullptr;
  const int8_t* levels_ = nullptr;
  const uint64_t* deleted_ = nullptr;
  const uint32_t* upper_at_ = nullptr;
  const uint32_t* upper_links_ = nullptr;
};

}  // namespace sextant::index
