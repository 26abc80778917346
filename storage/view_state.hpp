// The immutable in-memory state a read view pairs with its LMDB read transaction: which offsets
// are alive, which vectors each offset carries, and for every dense vector a table of pointers
// to its chunks inside the memory map.
//
// Invariants: a ViewState is never modified after it is published; pointers in a chunk table
// are valid as long as a read transaction opened at or after the commit that built the table is
// alive (LMDB never moves an unmodified page, and frees a modified page's old copy only when no
// reader can see it).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/distance/distance.hpp"
#include "index/filter/evaluator.hpp"
#include "index/sparse/inverted_index.hpp"
#include "storage/bitset.hpp"
#include "storage/point_meta_table.hpp"

namespace sextant::storage {

// Chunks hold `per_chunk` vectors of `dim` elements of `datatype` each (storage/point_layout.hpp).
struct DenseColumn {
  uint32_t dim = 0;
  index::VectorDatatype datatype = index::VectorDatatype::kFloat32;
  uint32_t per_chunk = 1;
  uint32_t per_chunk_shift = 0;
  std::shared_ptr<const std::vector<const void*>> chunks;  // chunk number -> map pointer
  std::shared_ptr<const Bitset> present;                   // offsets that carry this vector

  size_t vector_bytes() const { return size_t(dim) * index::datatype_bytes(datatype); }
};

struct CollectionDbs {
  MDB_dbi meta = 0, id_to_offset = 0, offset_to_id = 0, payload = 0, payload_index = 0;
  // The shard partition (storage/shards.hpp): shard id -> key, point id -> shard id.
  MDB_dbi shard_keys = 0, point_shard = 0;
  std::vector<MDB_dbi> dense, sparse, multi;  // parallel to the schema's vectors
};

struct ViewState {
  uint32_t offset_limit = 0;  // every offset is below this
  // Offset space: views of different generations number the same points differently (an
  // offset compaction lies between them), so offsets never cross generations.
  uint64_t generation = 0;
  uint64_t last_operation_id = 0;
  std::shared_ptr<const Bitset> alive;
  uint64_t alive_count = 0;
  // The ids and versions of the live points (point_meta_table.hpp); null in the writer's own
  // view of its open transaction, which reads them from offset_to_id.
  std::shared_ptr<const PointMetaTable> point_meta;
  // `alive` was narrowed to the points of some shards (storage/shards.hpp): searches scan
  // such a view exactly when few points are left, as they do for a restrictive filter.
  bool shard_restricted = false;
  std::vector<DenseColumn> dense;  // parallel to schema.dense
  std::vector<std::shared_ptr<const Bitset>> sparse_present;
  // Per sparse vector: the inverted index of every vector written up to this view (tombstones
  // included; sparse_present and alive tell which postings are live).
  std::vector<std::shared_ptr<const index::sparse::InvertedIndex>> sparse_index;
  // Per sparse vector: removed offsets still counted by the global IDF statistics
  // (WriterState::sparse_idf_retained).
  std::vector<std::shared_ptr<const Bitset>> sparse_idf_retained;
  CollectionDbs dbs;
  // Payload-index checks (full-text matching) for filters; owned by the collection.
  const index::filter::IndexedFieldChecks* indexed_checks = nullptr;
};

}  // namespace sextant::storage
