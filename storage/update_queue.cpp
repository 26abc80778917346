#include "storage/update_queue.hpp"

#include <algorithm>
#include <bit>
#include <chrono>

#include "storage/point_layout.hpp"

namespace sextant::storage {

UpdateQueue::UpdateQueue(lmdb::Env& env, std::shared_ptr<const CollectionSchema> schema,
                         CollectionDbs dbs, WriterState state, PublishFn publish,
                         AfterCommitFn after_commit,
                         const index::filter::IndexedFieldChecks* indexed_checks, RepairFn repair)
    : env_(env),
      schema_(std::move(schema)),
      dbs_(std::move(dbs)),
      state_(std::move(state)),
      publish_(std::move(publish)),
      after_commit_(std::move(after_commit)),
      indexed_checks_(indexed_checks),
      repair_(std::move(repair)) {
  next_operation_id_ = state_.last_operation_id + 1;
  writer_ = std::thread([this] { run(); });
}

UpdateQueue::~UpdateQueue() { stop(); }

std::pair<uint64_t, std::future<Status>> UpdateQueue::submit(
    std::vector<UpdateOperation> operations) {
  std::lock_guard lock(mutex_);
  Pending pending;
  pending.operations = std::move(operations);
  pending.operation_id = next_operation_id_;
  next_operation_id_ += std::max<size_t>(1, pending.operations.size());
  auto future = pending.done.get_future();
  uint64_t id = pending.operation_id;
  if (stopping_) {
    pending.done.set_value(Error::internal("collection is shutting down"));
  } else {
    queue_.push_back(std::move(pending));
    wake_.notify_one();
  }
  return {id, std::move(future)};
}

size_t UpdateQueue::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void UpdateQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
    wake_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

std::future<Status> UpdateQueue::compact(CompactionPlan plan) {
  std::lock_guard lock(mutex_);
  PendingCompaction pending{std::move(plan), {}};
  auto future = pending.done.get_future();
  if (stopping_ || compaction_) {
    pending.done.set_value(Error::internal(stopping_ ? "collection is shutting down"
                                                     : "a compaction is already queued"));
  } else {
    compaction_.emplace(std::move(pending));
    wake_.notify_one();
  }
  return future;
}

Result<std::shared_ptr<const ReadView>> UpdateQueue::initial_view() { return build_view(); }

Result<std::shared_ptr<const ReadView>> UpdateQueue::build_view(ChangeSet* changes) {
  auto txn = lmdb::Txn::begin(env_, lmdb::Txn::Mode::kRead);
  if (!txn.ok()) return txn.error();
  auto view = std::make_shared<ViewState>();
  view->offset_limit = state_.next_offset;
  view->generation = state_.generation;
  view->last_operation_id = state_.last_operation_id;
  view->alive_count = state_.alive_count;
  view->dbs = dbs_;
  view->indexed_checks = indexed_checks_;
  if (changes) {
    changes->renumbered = state_.renumbered;
    changes->written.swap(state_.written_offsets);
    changes->removed.swap(state_.removed_offsets);
  }
  state_.written_offsets.clear();
  state_.removed_offsets.clear();
  state_.renumbered = false;
  const bool reuse = published_ && !state_.changed;
  view->alive = reuse ? published_->alive : std::make_shared<const Bitset>(state_.alive);
  view->point_meta = std::make_shared<const PointMetaTable>(state_.point_meta);
  for (size_t i = 0; i < schema_->dense.size(); ++i) {
    DenseColumn column;
    column.dim = schema_->dense[i].dim;
    column.datatype = schema_->dense[i].datatype;
    column.per_chunk = layout::vectors_per_chunk_of(column.vector_bytes());
    column.per_chunk_shift = static_cast<uint32_t>(std::countr_zero(column.per_chunk));
    column.present = reuse ? published_->dense[i].present
                           : std::make_shared<const Bitset>(state_.dense_present[i]);
    if (!schema_->dense[i].multivector) {
      auto chunks = std::make_shared<std::vector<const void*>>();
      if (published_ && published_->dense[i].chunks) *chunks = *published_->dense[i].chunks;
      const uint32_t chunk_count = (state_.next_offset + column.per_chunk - 1) / column.per_chunk;
      const bool full_scan = !published_;
      chunks->resize(chunk_count, nullptr);
      auto refresh = [&](uint32_t chunk) -> Status {
        auto found = txn->get(dbs_.dense[i], offset_key(chunk));
        if (!found.ok()) return found.error();
        (*chunks)[chunk] = found.value() ? found.value()->data() : nullptr;
        return {};
      };
      if (full_scan) {
        for (uint32_t c = 0; c < chunk_count; ++c)
          if (auto st = refresh(c); !st.ok()) return st.error();
      } else {
        for (uint32_t c : state_.dirty_chunks[i])
          if (c < chunk_count)
            if (auto st = refresh(c); !st.ok()) return st.error();
      }
      column.chunks = std::move(chunks);
    }
    view->dense.push_back(std::move(column));
    state_.dirty_chunks[i].clear();
  }
  for (size_t i = 0; i < schema_->sparse.size(); ++i)
    view->sparse_present.push_back(reuse
                                       ? published_->sparse_present[i]
                                       : std::make_shared<const Bitset>(state_.sparse_present[i]));
  for (size_t i = 0; i < schema_->sparse.size(); ++i)
    view->sparse_idf_retained.push_back(
        reuse ? published_->sparse_idf_retained[i]
              : std::make_shared<const Bitset>(state_.sparse_idf_retained[i]));
  for (size_t i = 0; i < schema_->sparse.size(); ++i) {
    if (!state_.sparse_pending[i].empty() || !state_.sparse_index[i]) {
      state_.sparse_index[i] =
          index::sparse::InvertedIndex::appended(state_.sparse_index[i], state_.sparse_pending[i]);
      state_.sparse_pending[i].clear();
    }
    view->sparse_index.push_back(state_.sparse_index[i]);
  }
  state_.changed = false;
  published_ = view;
  return std::make_shared<const ReadView>(std::move(txn.value()), view, schema_);
}

void UpdateQueue::run() {
  PointWriter writer(env_, *schema_, dbs_, state_);
  for (;;) {
    std::deque<Pending> batch;
    std::optional<PendingCompaction> compaction;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || compaction_; });
      if (compaction_) {
        compaction.emplace(std::move(*compaction_));
        compaction_.reset();
      } else {
        if (queue_.empty() && stopping_) return;
        batch.swap(queue_);
      }
    }
    if (compaction) {
      run_compaction(*compaction);
      continue;
    }
    std::vector<Status> results(batch.size());
    Status commit_status = commit_batch(writer, batch, results, /*all_or_nothing=*/true);
    if (!commit_status.ok()) {
      // A full map or an environment LMDB refuses is repaired, and the batch tried once more.
      if (const Repair needed = repair_needed(commit_status); needed != Repair::kNone)
        if (repair(needed).ok())
          commit_status = commit_batch(writer, batch, results, /*all_or_nothing=*/false);
    }
    if (!commit_status.ok()) {
      for (auto& pending : batch) pending.done.set_value(commit_status);
      continue;
    }
    ChangeSet changes;
    auto view = build_view(&changes);
    if (view.ok()) publish_(view.value(), changes);
    std::vector<UpdateOperation> applied;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i].ok())
        for (auto& op : batch[i].operations) applied.push_back(std::move(op));
    }
    if (after_commit_ && !applied.empty()) after_commit_(applied);
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(results[i]);
  }
}

Status UpdateQueue::commit_batch(PointWriter& writer, std::deque<Pending>& batch,
                                 std::vector<Status>& results, bool all_or_nothing) {
  WriterState saved = state_;
  (void)env_.take_map_full();  // a mark left by another thread's transaction is not ours
  map_full_ = false;
  Status status;
  {
    auto txn = lmdb::Txn::begin(env_, lmdb::Txn::Mode::kWrite);
    if (!txn.ok()) {
      status = txn.error();
    } else {
      for (size_t i = 0; i < batch.size(); ++i)
        results[i] = writer.apply(txn.value(), batch[i].operations, batch[i].operation_id);
      map_full_ = env_.take_map_full();
      if (map_full_ && all_or_nothing)
        status = lmdb::error_from_code(MDB_MAP_FULL, "mdb_put");  // aborted below
      else
        status = txn->commit();
      map_full_ = map_full_ || env_.take_map_full();
    }
  }
  if (!status.ok()) state_ = std::move(saved);
  return status;
}

UpdateQueue::Repair UpdateQueue::repair_needed(const Status& failure) {
  if (failure.ok() || !repair_) return Repair::kNone;
  if (map_full_) return Repair::kGrowMap;
  if (env_.unusable()) return Repair::kReopen;
  return Repair::kNone;
}

Status UpdateQueue::repair(Repair what) {
  for (;;) {
    Status status = repair_(what);
    // The collection let go of its views: the next one is built from scratch, so none of its
    // chunk pointers comes from the old map.
    published_.reset();
    state_.changed = true;
    ChangeSet changes;
    auto view = build_view(&changes);
    if (view.ok()) {
      publish_(view.value(), changes);
      return status;
    }
    // Not even a read transaction: the environment must be reopened before anything is served.
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; }))
        return view.error();
    }
    what = Repair::kReopen;
  }
}

void UpdateQueue::run_compaction(PendingCompaction& compaction) {
  WriterState saved = state_;
  Status status;
  {
    auto txn = lmdb::Txn::begin(env_, lmdb::Txn::Mode::kWrite);
    if (!txn.ok()) {
      status = txn.error();
    } else {
      status = compact_offsets(txn.value(), *schema_, dbs_, compaction.plan, state_);
      if (status.ok()) status = txn->commit();
    }  // a failed transaction is aborted here
  }
  if (!status.ok()) {
    state_ = std::move(saved);
    map_full_ = env_.take_map_full();
    // The compaction is not retried here (the collection plans it again later), but the
    // environment is made usable for the writes that follow.
    if (const Repair needed = repair_needed(status); needed != Repair::kNone) (void)repair(needed);
    compaction.done.set_value(status);
    return;
  }
  ChangeSet changes;
  auto view = build_view(&changes);
  if (view.ok()) publish_(view.value(), changes);
  compaction.done.set_value(view.ok() ? Status{} : Status(view.error()));
}

}  // namespace sextant::storage
