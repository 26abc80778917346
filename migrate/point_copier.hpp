// Copies every point of one collection from the source to the target: scroll with
// with_vector/with_payload true, upsert with wait=true, the cursor recorded after acknowledged
// batches, continuing from the recorded cursor when there is one.
//
// The scroll runs one batch ahead, and up to one upsert per target connection (--parallel-batches)
// is in flight at once, so a collection holds at most (connections + 1) batches in memory.
// Batches are acknowledged in any order, but the cursor only advances in scroll order past
// batches that were all acknowledged: a batch in flight when the process dies is sent again on
// the rerun (an idempotent upsert by id), never skipped.
//
// A point of a custom-sharded collection carries its `shard_key` in the scroll answer; points
// are upserted under that same key.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "migrate/cursor_store.hpp"
#include "migrate/progress_display.hpp"
#include "migrate/qdrant_endpoint.hpp"

namespace sextant::migrate {

class PointCopier {
 public:
  // The endpoints and the store outlive the copier. `targets`: one connection to the target per
  // upsert that may be in flight (at least one). `batch_size` points per scroll/upsert.
  PointCopier(QdrantEndpoint& source, std::vector<QdrantEndpoint*> targets, CursorStore& cursors,
              ProgressDisplay& progress, size_t batch_size)
      : source_(source),
        targets_(std::move(targets)),
        cursors_(cursors),
        progress_(progress),
        batch_size_(batch_size) {}

  // Copies what the cursor of `collection` says is left; returns the points copied now.
  Result<uint64_t> copy(const std::string& collection);

 private:
  QdrantEndpoint& source_;
  std::vector<QdrantEndpoint*> targets_;
  CursorStore& cursors_;
  ProgressDisplay& progress_;
  size_t batch_size_;
};

}  // namespace sextant::migrate
