#include "storage/offset_compaction.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "storage/point_layout.hpp"
#include "storage/point_reader.hpp"
#include "storage/sparse_vectors.hpp"
#include "storage/vector_elements.hpp"

namespace sextant::storage {
namespace {

constexpr uint32_t kNoOffset = std::numeric_limits<uint32_t>::max();

// Moves the value under `from` to `to` (to <= from; nothing under `to` is live).
Status move_value(lmdb::Txn& txn, MDB_dbi dbi, uint32_t from, uint32_t to) {
  if (from == to) return {};
  auto found = txn.get(dbi, offset_key(from));
  if (!found.ok()) return found.error();
  if (!found.value()) return {};
  std::vector<uint8_t> bytes(found.value()->begin(), found.value()->end());
  auto removed = txn.del(dbi, offset_key(from));
  if (!removed.ok()) return removed.error();
  return txn.put(dbi, offset_key(to), lmdb::Bytes(bytes.data(), bytes.size()));
}

// Deletes every key >= `first` of an integer-keyed database.
Status delete_from(lmdb::Txn& txn, MDB_dbi dbi, uint32_t first) {
  std::vector<uint32_t> keys;
  {
    auto cursor = lmdb::Cursor::open(txn, dbi);
    if (!cursor.ok()) return cursor.error();
    for (bool ok = cursor->seek(offset_key(first)); ok; ok = cursor->next()) {
      uint32_t key;
      std::memcpy(&key, cursor->key().data(), sizeof key);
      keys.push_back(key);
    }
  }
  for (uint32_t key : keys) {
    auto removed = txn.del(dbi, offset_key(key));
    if (!removed.ok()) return removed.error();
  }
  return {};
}

// The full renumbering: the plan's offsets, then the live offsets written since its view.
Result<std::vector<uint32_t>> full_mapping(const CompactionPlan& plan, const WriterState& state) {
  const std::vector<uint32_t>& planned = *plan.new_to_old;
  if (plan.planned_limit > state.next_offset)
    return Error::internal("compaction plan is newer than the collection");
  for (size_t j = 0; j < planned.size(); ++j) {
    if (planned[j] >= plan.planned_limit || (j > 0 && planned[j] <= planned[j - 1]))
      return Error::internal("compaction plan is not an ascending list of its view's offsets");
  }
  // Offsets never come back to life, so everything alive below the plan's limit is planned.
  uint64_t alive_below = 0;
  state.alive.for_each(plan.planned_limit, [&](uint32_t) { ++alive_below; });
  uint64_t planned_alive = 0;
  for (uint32_t old : planned) planned_alive += state.alive.test(old);
  if (planned_alive != alive_below) return Error::internal("compaction plan misses live points");
  std::vector<uint32_t> mapping = planned;
  state.alive.for_each(state.next_offset, [&](uint32_t old) {
    if (old >= plan.planned_limit) mapping.push_back(old);
  });
  return mapping;
}

// Rewrites dense vector `i`'s chunks for the new offsets (holes included: a prepared graph
// reads them) and drops the chunks past the end.
Status compact_chunks(lmdb::Txn& txn, MDB_dbi dbi, size_t vector_bytes,
                      const std::vector<uint32_t>& new_to_old,
                      std::vector<uint32_t>& chunks_written) {
  const uint32_t per_chunk = layout::vectors_per_chunk_of(vector_bytes);
  const uint32_t limit = static_cast<uint32_t>(new_to_old.size());
  const uint32_t chunk_count = (limit + per_chunk - 1) / per_chunk;
  std::vector<uint8_t> source;  // a copy of the old chunk last read
  uint32_t source_chunk = kNoOffset;
  std::vector<uint8_t> out(size_t(per_chunk) * vector_bytes);
  for (uint32_t chunk = 0; chunk < chunk_count; ++chunk) {
    std::fill(out.begin(), out.end(), 0);
    for (uint32_t slot = 0; slot < per_chunk; ++slot) {
      const uint32_t j = chunk * per_chunk + slot;
      if (j >= limit) break;
      const uint32_t old = new_to_old[j];
      if (old / per_chunk != source_chunk) {
        // Old chunks at or after this one are still unwritten (old >= j).
        source_chunk = old / per_chunk;
        auto found = txn.get(dbi, offset_key(source_chunk));
        if (!found.ok()) return found.error();
        if (found.value())
          source.assign(found.value()->begin(), found.value()->end());
        else
          source.clear();
      }
      const size_t at = size_t(old % per_chunk) * vector_bytes;
      if (at + vector_bytes <= source.size())
        std::memcpy(out.data() + size_t(slot) * vector_bytes, source.data() + at, vector_bytes);
    }
    auto st = txn.put(dbi, offset_key(chunk), lmdb::Bytes(out.data(), out.size()));
    if (!st.ok()) return st;
    chunks_written.push_back(chunk);
  }
  return delete_from(txn, dbi, chunk_count);
}

}  // namespace

Status compact_offsets(lmdb::Txn& txn, const CollectionSchema& schema, const CollectionDbs& dbs,
                       const CompactionPlan& plan, WriterState& state) {
  auto mapping = full_mapping(plan, state);
  if (!mapping.ok()) return mapping.error();
  const std::vector<uint32_t>& new_to_old = mapping.value();
  const uint32_t new_limit = static_cast<uint32_t>(new_to_old.size());

  // Per-point tables: only live points have entries; moved in ascending order.
  std::vector<MDB_dbi> moved_tables{dbs.payload};
  for (size_t i = 0; i < schema.dense.size(); ++i)
    if (schema.dense[i].multivector) moved_tables.push_back(dbs.dense[i]);
  for (MDB_dbi dbi : dbs.sparse) moved_tables.push_back(dbi);

  Bitset alive;
  PointMetaTable point_meta;
  std::vector<Bitset> dense_present(schema.dense.size());
  std::vector<Bitset> sparse_present(schema.sparse.size());
  uint64_t alive_count = 0;
  for (uint32_t j = 0; j < new_limit; ++j) {
    const uint32_t old = new_to_old[j];
    if (!state.alive.test(old)) continue;  // a hole: died after the plan was made
    auto meta_bytes = txn.get(dbs.offset_to_id, offset_key(old));
    if (!meta_bytes.ok()) return meta_bytes.error();
    if (!meta_bytes.value() || meta_bytes.value()->size() != sizeof(layout::PointMeta))
      return Error::internal("live offset " + std::to_string(old) + " has no point record");
    layout::PointMeta meta;
    std::memcpy(&meta, meta_bytes.value()->data(), sizeof meta);
    meta.offset = j;
    const lmdb::Bytes record(reinterpret_cast<const uint8_t*>(&meta), sizeof meta);
    if (old != j) {
      auto removed = txn.del(dbs.offset_to_id, offset_key(old));
      if (!removed.ok()) return removed.error();
    }
    if (auto st = txn.put(dbs.offset_to_id, offset_key(j), record); !st.ok()) return st;
    if (auto st = txn.put(dbs.id_to_offset, lmdb::Bytes(meta.id_key, sizeof meta.id_key), record);
        !st.ok())
      return st;
    for (MDB_dbi dbi : moved_tables)
      if (auto st = move_value(txn, dbi, old, j); !st.ok()) return st;
    alive.set(j);
    ++alive_count;
    point_meta.set(j, meta.id_key, meta.version);
    for (size_t i = 0; i < schema.dense.size(); ++i)
      if (state.dense_present[i].test(old)) dense_present[i].set(j);
    for (size_t i = 0; i < schema.sparse.size(); ++i)
      if (state.sparse_present[i].test(old)) sparse_present[i].set(j);
  }
  if (alive_count != state.alive_count)
    return Error::internal("offset compaction lost track of live points");
  for (MDB_dbi dbi : moved_tables)
    if (auto st = delete_from(txn, dbi, new_limit); !st.ok()) return st;
  if (auto st = delete_from(txn, dbs.offset_to_id, new_limit); !st.ok()) return st;

  std::vector<std::vector<uint32_t>> chunks_written(schema.dense.size());
  for (size_t i = 0; i < schema.dense.size(); ++i) {
    if (schema.dense[i].multivector) continue;
    const size_t vector_bytes = stored_vector_bytes(schema.dense[i].dim, schema.dense[i].datatype);
    auto st = compact_chunks(txn, dbs.dense[i], vector_bytes, new_to_old, chunks_written[i]);
    if (!st.ok()) return st;
  }
  if (auto st = txn.drop(plan.graph_db, false); !st.ok()) return st;
  const uint32_t next_offset = new_limit;
  if (auto st = txn.put(dbs.meta, lmdb::as_bytes(layout::kNextOffsetKey),
                        lmdb::Bytes(reinterpret_cast<const uint8_t*>(&next_offset), 4));
      !st.ok())
    return st;

  state.next_offset = next_offset;
  state.generation = plan.generation;
  state.alive = std::move(alive);
  state.point_meta = std::move(point_meta);
  state.dense_present = std::move(dense_present);
  state.sparse_present = std::move(sparse_present);
  // Removed vectors stop counting for IDF once their offsets are gone, as after Qdrant's vacuum.
  state.sparse_idf_retained.assign(schema.sparse.size(), Bitset{});
  // The inverted indexes are rebuilt in the new numbering from the moved vectors.
  for (size_t i = 0; i < schema.sparse.size(); ++i) {
    state.sparse_index[i].reset();
    state.sparse_pending[i].clear();
    auto cursor = lmdb::Cursor::open(txn, dbs.sparse[i]);
    if (!cursor.ok()) return cursor.error();
    for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
      uint32_t offset;
      std::memcpy(&offset, cursor->key().data(), 4);
      add_stored_sparse(state.sparse_pending[i], offset, cursor->value());
    }
    if (auto st = cursor->status(); !st.ok()) return st;
  }
  for (size_t i = 0; i < schema.dense.size(); ++i)
    state.dirty_chunks[i] = std::set<uint32_t>(chunks_written[i].begin(), chunks_written[i].end());
  state.written_offsets.clear();
  state.removed_offsets.clear();
  state.changed = true;
  state.renumbered = true;
  return {};
}

}  // namespace sextant::storage
