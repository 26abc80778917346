// Reads points through one LMDB transaction (a read view's, or the writer's own) and the
// ViewState that describes it. Dense vectors come straight from the memory map: from the view's
// chunk table when it has the chunk, otherwise from a B-tree lookup in the transaction (the
// writer's case, where chunks written in the open transaction are not in any table yet).
//
// A PointReader does not own the transaction or the state; both must outlive it.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_layout.hpp"
#include "storage/point_types.hpp"
#include "storage/view_state.hpp"

namespace sextant::storage {

struct SparseView {
  std::span<const uint32_t> indices;
  std::span<const float> values;
};

// A stored vector, or a multivector's rows, as float32 values: `values` points into the map
// when the vector is stored as float32, into `decoded` when it is stored as float16 or uint8.
// Movable (the decoded buffer moves with its pointer), not copyable.
struct StoredRows {
  uint32_t rows = 0;
  const float* values = nullptr;  // rows x dim
  std::vector<float> decoded;

  StoredRows() = default;
  StoredRows(StoredRows&&) = default;
  StoredRows& operator=(StoredRows&&) = default;
  StoredRows(const StoredRows&) = delete;
  StoredRows& operator=(const StoredRows&) = delete;
};
using MultiView = StoredRows;

struct PointIdentity {
  PointId id;
  uint64_t version = 0;
};

class PointReader {
 public:
  PointReader(const lmdb::Txn& txn, const ViewState& state, const CollectionSchema& schema)
      : txn_(txn), state_(state), schema_(schema) {}

  const CollectionSchema& schema() const { return schema_; }
  const ViewState& state() const { return state_; }
  const lmdb::Txn& txn() const { return txn_; }

  bool alive(uint32_t offset) const { return state_.alive && state_.alive->test(offset); }
  std::optional<uint32_t> find(const PointId& id) const;
  std::optional<layout::PointMeta> meta(uint32_t offset) const;
  // The id and version of a point: from the view's in-memory table for a live offset, else
  // from offset_to_id; nullopt when the offset holds no point.
  std::optional<PointIdentity> identity(uint32_t offset) const;
  PointId id(uint32_t offset) const;

  // The stored elements of a plain dense vector, in place in the map (dim elements of the
  // vector's datatype); null when the point does not carry the vector.
  const void* dense_data(size_t vector_index, uint32_t offset) const;
  // The same vector as float32 (one row); nullopt when the point does not carry it.
  std::optional<StoredRows> dense(size_t vector_index, uint32_t offset) const;
  std::optional<SparseView> sparse(size_t vector_index, uint32_t offset) const;
  std::optional<MultiView> multi(size_t vector_index, uint32_t offset) const;
  bool has_vector(size_t dense_or_sparse_index, bool sparse, uint32_t offset) const;
  bool has_vector_named(std::string_view name, uint32_t offset) const;

  // Payload as stored; an empty object when the point has none. nullopt on corrupt data.
  std::optional<boost::json::object> payload(uint32_t offset) const;
  std::string_view payload_text(uint32_t offset) const;

  // Copies the requested vectors of a point (for responses and for relocating a point).
  PointVectors vectors(uint32_t offset, const std::vector<std::string>* names) const;

 private:
  const lmdb::Txn& txn_;
  const ViewState& state_;
  const CollectionSchema& schema_;
};

inline lmdb::Bytes offset_key(const uint32_t& offset) {
  return {reinterpret_cast<const uint8_t*>(&offset), sizeof(offset)};
}

}  // namespace sextant::storage
