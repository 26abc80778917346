// A consistent, zero-copy view of a collection at one commit: an LMDB read transaction plus the
// ViewState built for it. Searches take a shared_ptr to the current view and read vectors in
// place from the memory map for as long as they hold it; a newer commit publishes a new view
// and the old one's read transaction ends when its last user lets go.
//
// A restricted view (storage/shards.hpp) pairs the transaction of a base view with a state whose
// live offsets are a subset of the base's (the points of some shards): every read through it
// sees only those points, and it keeps its base, and so the base's transaction, alive.
#pragma once

#include <memory>
#include <optional>

#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_reader.hpp"
#include "storage/view_state.hpp"

namespace sextant::storage {

class ReadView {
 public:
  ReadView(lmdb::Txn txn, std::shared_ptr<const ViewState> state,
           std::shared_ptr<const CollectionSchema> schema)
      : txn_(std::move(txn)), state_(std::move(state)), schema_(std::move(schema)) {}
  ReadView(std::shared_ptr<const ReadView> base, std::shared_ptr<const ViewState> state)
      : base_(std::move(base)), state_(std::move(state)), schema_(base_->schema_) {}

  PointReader reader() const { return PointReader(txn(), *state_, *schema_); }
  const ViewState& state() const { return *state_; }
  const CollectionSchema& schema() const { return *schema_; }
  const lmdb::Txn& txn() const { return base_ ? base_->txn() : *txn_; }

 private:
  std::shared_ptr<const ReadView> base_;  // set for a restricted view
  std::optional<lmdb::Txn> txn_;          // set otherwise
  std::shared_ptr<const ViewState> state_;
  std::shared_ptr<const CollectionSchema> schema_;
};

}  // namespace sextant::storage
