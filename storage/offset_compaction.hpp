// Offset compaction: rewrites a collection's offset-keyed tables so its live points hold the
// offsets 0..n-1 again, dropping what dead offsets left behind (vector chunks of overwritten and
// deleted points, the graph arrays sized by the offset range). It is the vacuum step of the
// optimizer: without it an update-heavy collection grows with the number of writes, not with
// the number of points.
//
// The plan is made from a read view V by the indexing thread (which builds the renumbered graphs
// from V meanwhile); the writer thread carries it out in one write transaction, later than V:
// - points alive in V and still alive take the planned offsets (`new_to_old`, ascending);
// - planned offsets whose point died since V stay as holes: their vectors are copied anyway (a
//   prepared graph routes through them) but they are not alive;
// - points written since V (offsets >= V's limit) follow, in offset order.
// Every point keeps its id, version, vectors and payload; only its offset changes. The new
// offsets never exceed the old ones and keep their order, so the rewrite runs in place in one
// ascending pass (a key is overwritten only after its old content was read).
//
// Invariants: the transaction either holds the whole rewrite or fails and is aborted with the
// writer state untouched by the caller's snapshot; stored graph images and codes (keyed by old
// offsets) are dropped in the same transaction, so a restart never pairs them with new offsets.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_writer.hpp"
#include "storage/view_state.hpp"

namespace sextant::storage {

struct CompactionPlan {
  // new offset -> old offset, ascending: the live offsets of the view the plan was made from.
  std::shared_ptr<const std::vector<uint32_t>> new_to_old;
  uint32_t planned_limit = 0;  // that view's offset_limit
  uint64_t generation = 0;     // the offset space the rewrite creates
  MDB_dbi graph_db = 0;        // stored graph images and codes, dropped
};

// Carries out `plan` in `txn` and brings `state` (the writer's) to the new offset space.
// On error `state` may be partly changed: the caller restores its snapshot.
Status compact_offsets(lmdb::Txn& txn, const CollectionSchema& schema, const CollectionDbs& dbs,
                       const CompactionPlan& plan, WriterState& state);

}  // namespace sextant::storage
