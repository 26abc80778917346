// Orders and commits a collection's updates. Requests are queued with an operation id taken in
// arrival order; one writer thread takes every queued request at once, applies each in its own
// child transaction, and commits them together with a single fsync (group commit). Then it
// publishes a new ReadView and completes the requests.
//
// Durability: a request submitted with wait=true completes only after the transaction holding
// it is committed to disk (LMDB's default synchronous commit). With wait=false the request is
// acknowledged once queued and applied in order.
//
// A full map (MDB_MAP_FULL) or an environment LMDB gave up on after a failed write (MDB_PANIC)
// is repaired on the writer thread, between transactions: the collection lets go of every view
// of the map and the environment grows its map or is reopened (RepairFn); then a view is built
// from scratch and the batch that met the fault is tried once more.
//
// Invariants: operation ids are strictly increasing in queue order; the writer thread is the
// only user of the WriterState and of write transactions on the environment.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "storage/offset_compaction.hpp"
#include "storage/payload_indexes.hpp"
#include "storage/point_writer.hpp"
#include "storage/read_view.hpp"

namespace sextant::storage {

class UpdateQueue {
 public:
  // `publish` receives each new view after a commit (the collection swaps it in).
  using PublishFn = std::function<void(std::shared_ptr<const ReadView>, const ChangeSet&)>;
  // Called on the writer thread after each commit with the operations it applied.
  using AfterCommitFn = std::function<void(const std::vector<UpdateOperation>&)>;
  enum class Repair { kNone, kGrowMap, kReopen };
  // Called on the writer thread with no transaction open: lets go of every view of the map and
  // grows the map or reopens the environment. The next view published follows it.
  using RepairFn = std::function<Status(Repair)>;

  UpdateQueue(lmdb::Env& env, std::shared_ptr<const CollectionSchema> schema, CollectionDbs dbs,
              WriterState state, PublishFn publish, AfterCommitFn after_commit,
              const index::filter::IndexedFieldChecks* indexed_checks, RepairFn repair = {});
  ~UpdateQueue();

  // Queues a request; the future resolves once it is committed (or failed). Each operation
  // of the request takes its own operation id; the first one is returned.
  std::pair<uint64_t, std::future<Status>> submit(std::vector<UpdateOperation> operations);
  // Carries out an offset compaction on the writer thread, between two groups of requests, and
  // publishes the renumbered view; the future resolves once it is committed (or failed).
  std::future<Status> compact(CompactionPlan plan);
  // Builds the view of the current committed state (used once at open).
  Result<std::shared_ptr<const ReadView>> initial_view();
  // Stops taking requests, finishes the queued ones and joins the writer.
  void stop();
  size_t pending() const;

 private:
  struct Pending {
    std::vector<UpdateOperation> operations;
    uint64_t operation_id;
    std::promise<Status> done;
  };
  struct PendingCompaction {
    CompactionPlan plan;
    std::promise<Status> done;
  };
  void run();
  // Applies `batch` in one transaction and commits it; on failure the WriterState is as before.
  // With `all_or_nothing`, a map found full fails the whole batch (it is tried again after the
  // map grows); otherwise the requests that fit are committed.
  Status commit_batch(PointWriter& writer, std::deque<Pending>& batch, std::vector<Status>& results,
                      bool all_or_nothing);
  // What the failure of a transaction asks of the environment.
  Repair repair_needed(const Status& failure);
  // Runs repair_ and publishes a view built from scratch (retrying a reopen until a view can be
  // built or the queue stops). Returns the repair's status.
  Status repair(Repair what);
  void run_compaction(PendingCompaction& compaction);
  Result<std::shared_ptr<const ReadView>> build_view(ChangeSet* changes = nullptr);

  lmdb::Env& env_;
  std::shared_ptr<const CollectionSchema> schema_;
  CollectionDbs dbs_;
  WriterState state_;
  PublishFn publish_;
  AfterCommitFn after_commit_;
  std::shared_ptr<const ViewState> published_;
  const index::filter::IndexedFieldChecks* indexed_checks_;
  RepairFn repair_;
  bool map_full_ = false;  // the last commit_batch found the map full

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::optional<PendingCompaction> compaction_;
  uint64_t next_operation_id_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace sextant::storage
