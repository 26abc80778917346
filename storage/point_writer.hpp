// Applies typed update operations to a collection inside one LMDB write transaction, keeping
// the writer's in-memory state (next offset, live offsets, vector presence, chunks touched) in
// step with what the transaction wrote.
//
// Ownership: the UpdateQueue's writer thread owns the PointWriter and is its only user.
// Invariants:
// - An operation either applies completely or not at all: it runs in a child transaction and
//   the state changes it made are rolled back with it (see WriterState snapshots).
// - A point whose vectors change moves to a new offset; the old offset becomes a tombstone.
#pragma once

#include <bit>
#include <memory>
#include <set>
#include <vector>

#include "common/status.hpp"
#include "index/sparse/inverted_index.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_types.hpp"
#include "storage/view_state.hpp"

namespace sextant::storage {

// The mutable twin of ViewState, owned by the writer thread.
struct WriterState {
  uint32_t next_offset = 0;
  uint64_t last_operation_id = 0;
  // The offset space: bumped by each offset compaction (in memory only; 0 after open).
  uint64_t generation = 0;
  Bitset alive;
  uint64_t alive_count = 0;
  PointMetaTable point_meta;  // the id and version of every live offset
  std::vector<Bitset> dense_present;
  std::vector<Bitset> sparse_present;
  // Per sparse vector: the inverted index as last published, and the vectors written since
  // (rebuilt from the stored vectors at open and after an offset compaction).
  std::vector<std::shared_ptr<const index::sparse::InvertedIndex>> sparse_index;
  std::vector<index::sparse::PendingVectors> sparse_pending;
  // Per sparse vector: offsets whose vector was removed by a point or vector delete. They keep
  // counting in the global IDF statistics, as Qdrant's index keeps a deleted vector's postings
  // and count, until an offset compaction or a restart drops them (not persisted).
  std::vector<Bitset> sparse_idf_retained;
  std::vector<std::set<uint32_t>> dirty_chunks;  // per dense vector, since the last publish
  // Dense vectors were written or removed since the last publish (alive/presence changed).
  bool changed = false;
  // Offsets written / removed since the last publish (for payload indexes).
  std::vector<uint32_t> written_offsets;
  std::vector<uint32_t> removed_offsets;
  // An offset compaction renumbered every point since the last publish.
  bool renumbered = false;
};

class PointWriter {
 public:
  PointWriter(const lmdb::Env& env, const CollectionSchema& schema, const CollectionDbs& dbs,
              WriterState& state)
      : env_(env), schema_(schema), dbs_(dbs), state_(state) {}

  // Applies one request's operations (in order) in `txn`, the i-th with id operation_id + i.
  // On error nothing of this request stays in `txn` or in the state.
  Status apply(lmdb::Txn& txn, const std::vector<UpdateOperation>& operations,
               uint64_t operation_id);

  // Reads the persisted counters and rebuilds presence bitsets from the offset table.
  static Status load(const lmdb::Txn& txn, const CollectionSchema& schema, const CollectionDbs& dbs,
                     WriterState& state);

 private:
  Status apply_one(lmdb::Txn& txn, const UpdateOperation& operation, uint64_t operation_id);
  Status upsert(lmdb::Txn& txn, const UpsertPoints& op, uint64_t operation_id);
  // Marks the sparse vector `sparse_index` (-1: none) of `offset`, about to be deleted, as still
  // counted by the IDF statistics (WriterState::sparse_idf_retained).
  void retain_sparse_for_idf(uint32_t offset, int sparse_index);
  Status update_vectors(lmdb::Txn& txn, const UpdateVectors& op, uint64_t operation_id);
  Status delete_vectors(lmdb::Txn& txn, const DeleteVectors& op, uint64_t operation_id);
  Status delete_points(lmdb::Txn& txn, const PointSelector& selector);
  Status modify_payloads(lmdb::Txn& txn, const UpdateOperation& operation, uint64_t op_id);

  // Writes a whole point at a fresh offset (vectors + payload), replacing `old_offset` if set.
  Status write_point(lmdb::Txn& txn, const PointId& id, const PointVectors& vectors,
                     std::string_view payload_json, std::optional<uint32_t> old_offset,
                     uint64_t operation_id);
  Status remove_offset(lmdb::Txn& txn, uint32_t offset, bool remove_id_mapping);
  Result<std::vector<uint32_t>> select(const lmdb::Txn& txn, const PointSelector& selector);
  Status put_counters(lmdb::Txn& txn);
  ViewState current_view() const;

  const lmdb::Env& env_;
  const CollectionSchema& schema_;
  const CollectionDbs& dbs_;
  WriterState& state_;
};

}  // namespace sextant::storage
