// Copies every point of one collection from the source to the target: scroll with
// with_vector/with_payload true, upsert with wait=true, the cursor recorded after each
// acknowledged batch, continuing from the recorded cursor when there is one.
//
// While batch k is upserted to the target, batch k+1 is already being scrolled from the
// source, so a collection holds at most two batches in memory; its cursor only advances in
// scroll order, after the target acknowledged.
//
// A point of a custom-sharded collection carries its `shard_key` in the scroll answer; points
// are upserted under that same key.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.hpp"
#include "migrate/cursor_store.hpp"
#include "migrate/progress_display.hpp"
#include "migrate/qdrant_endpoint.hpp"

namespace sextant::migrate {

class PointCopier {
 public:
  // The endpoints and the store outlive the copier. `batch_size` points per scroll/upsert.
  PointCopier(QdrantEndpoint& source, QdrantEndpoint& target, CursorStore& cursors,
              ProgressDisplay& progress, size_t batch_size)
      : source_(source),
        target_(target),
        cursors_(cursors),
        progress_(progress),
        batch_size_(batch_size) {}

  // Copies what the cursor of `collection` says is left; returns the points copied now.
  Result<uint64_t> copy(const std::string& collection);

 private:
  QdrantEndpoint& source_;
  QdrantEndpoint& target_;
  CursorStore& cursors_;
  ProgressDisplay& progress_;
  size_t batch_size_;
};

}  // namespace sextant::migrate
