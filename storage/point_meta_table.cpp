// The in-memory mirror of offset_to_id's ids and versions (point_meta_table.hpp).
#include "storage/point_meta_table.hpp"

#include <atomic>
#include <cstring>

namespace sextant::storage {

PointMetaTable::Chunk& PointMetaTable::writable_chunk(uint32_t offset) {
  const size_t chunk = offset / kChunkSize;
  if (chunk >= chunks_.size()) chunks_.resize(chunk + 1);
  std::shared_ptr<Chunk>& slot = chunks_[chunk];
  // One holder means no view and no snapshot can see the chunk: it may change in place. Views
  // only get chunks through tables the writer copies, so the count cannot grow meanwhile.
  if (!slot) {
    slot = std::make_shared<Chunk>();
  } else if (slot.use_count() > 1) {
    slot = std::make_shared<Chunk>(*slot);
  } else {
    // Pairs with the release of the last other holder's count: its reads come before ours.
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  return *slot;
}

void PointMetaTable::set(uint32_t offset, const uint8_t* id_key, uint64_t version) {
  Entry& entry = writable_chunk(offset)[offset % kChunkSize];
  entry.version = version;
  std::memcpy(entry.id_key.data(), id_key, entry.id_key.size());
}

void PointMetaTable::set_version(uint32_t offset, uint64_t version) {
  writable_chunk(offset)[offset % kChunkSize].version = version;
}

}  // namespace sextant::storage
