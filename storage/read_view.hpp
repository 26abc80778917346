// A consistent, zero-copy view of a collection at one commit: an LMDB read transaction plus the
// ViewState built for it. Searches take a shared_ptr to the current view and read vectors in
// place from the memory map for as long as they hold it; a newer commit publishes a new view
// and the old one's read transaction ends when its last user lets go.
#pragma once

#include <memory>

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

  PointReader reader() const { return PointReader(txn_, *state_, *schema_); }
  const ViewState& state() const { return *state_; }
  const CollectionSchema& schema() const { return *schema_; }
  const lmdb::Txn& txn() const { return txn_; }

 private:
  lmdb::Txn txn_;
  std::shared_ptr<const ViewState> state_;
  std::shared_ptr<const CollectionSchema> schema_;
};

}  // namespace sextant::storage
