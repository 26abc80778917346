// The id and version of each point by offset, in memory: what a search answer names its points
// by, read without an LMDB lookup per point. offset_to_id stays the durable record; this table
// mirrors it and is rebuilt from it when a collection is opened.
//
// Copy-on-write in chunks of kChunkSize offsets: copying a table (a WriterState snapshot, a
// published ViewState) copies only its chunk pointers; the writer copies a chunk before changing
// one that anything else still holds, so a table a view holds never changes.
//
// Invariants: for every live offset below the limit of the state holding it, the entry equals
// offset_to_id's record of that offset (id key and version); entries of dead offsets are stale
// and never read (readers check `alive` first). Only the writer thread calls the mutators.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "index/point_id.hpp"

namespace sextant::storage {

class PointMetaTable {
 public:
  struct Entry {
    uint64_t version = 0;
    std::array<uint8_t, index::PointId::kKeySize> id_key{};  // PointId::to_key()
  };

  // The entry of `offset`, or null when the table has none (never set).
  const Entry* find(uint32_t offset) const {
    const size_t chunk = offset / kChunkSize;
    if (chunk >= chunks_.size() || !chunks_[chunk]) return nullptr;
    return &(*chunks_[chunk])[offset % kChunkSize];
  }

  void set(uint32_t offset, const uint8_t* id_key, uint64_t version);
  void set_version(uint32_t offset, uint64_t version);

 private:
  static constexpr uint32_t kChunkSize = 2048;  // 64 KiB a chunk
  using Chunk = std::array<Entry, kChunkSize>;

  // The chunk of `offset`, made this table's own (copied when shared) and created if missing.
  Chunk& writable_chunk(uint32_t offset);

  std::vector<std::shared_ptr<Chunk>> chunks_;
};

}  // namespace sextant::storage
