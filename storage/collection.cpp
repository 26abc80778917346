#include "storage/collection.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "common/heap_release.hpp"
#include "storage/disk_space.hpp"
#include "storage/format_upgrade.hpp"
#include "storage/point_filter.hpp"
#include "storage/point_layout.hpp"
#include "storage/sparse_search.hpp"

namespace sextant::storage {
namespace {

const char kFormatKey[] = "format";
// How long a repair of the environment waits for the views requests hold to end.
constexpr std::chrono::milliseconds kRepairDrainTimeout{10000};

Result<CollectionDbs> open_dbs(lmdb::Txn& txn, const CollectionSchema& schema) {
  CollectionDbs dbs;
  struct Named {
    const char* name;
    MDB_dbi* dbi;
    unsigned flags;
  };
  for (Named n : {Named{"meta", &dbs.meta, 0}, Named{"id_to_offset", &dbs.id_to_offset, 0},
                  Named{"offset_to_id", &dbs.offset_to_id, MDB_INTEGERKEY},
                  Named{"payload", &dbs.payload, MDB_INTEGERKEY},
                  Named{"payload_index", &dbs.payload_index, 0},
                  Named{"shard_keys", &dbs.shard_keys, MDB_INTEGERKEY},
                  Named{"point_shard", &dbs.point_shard, 0}}) {
    auto dbi = txn.open_db(n.name, MDB_CREATE | n.flags);
    if (!dbi.ok()) return dbi.error();
    *n.dbi = dbi.value();
  }
  for (size_t i = 0; i < schema.dense.size(); ++i) {
    std::string name = (schema.dense[i].multivector ? "multi:" : "dense:") + std::to_string(i);
    auto dbi = txn.open_db(name.c_str(), MDB_CREATE | MDB_INTEGERKEY);
    if (!dbi.ok()) return dbi.error();
    dbs.dense.push_back(dbi.value());
  }
  for (size_t i = 0; i < schema.sparse.size(); ++i) {
    std::string name = "sparse:" + std::to_string(i);
    auto dbi = txn.open_db(name.c_str(), MDB_CREATE | MDB_INTEGERKEY);
    if (!dbi.ok()) return dbi.error();
    dbs.sparse.push_back(dbi.value());
  }
  return dbs;
}

}  // namespace

Result<std::shared_ptr<Collection>> Collection::open(const std::string& directory,
                                                     const CollectionSchema& schema,
                                                     CollectionConfig config, LogSink log,
                                                     lmdb::Env::Options env_options) {
  if (schema.dense.size() > layout::kMaxDenseVectors)
    return Error::bad_input("a collection holds at most 64 named dense vectors");
  std::shared_ptr<Collection> collection(new Collection());
  collection->directory_ = directory;
  collection->schema_ = std::make_shared<const CollectionSchema>(schema);
  collection->config_ = std::move(config);
  collection->log_ = log;
  auto env = lmdb::Env::open(directory, env_options);
  if (!env.ok()) return env.error();
  collection->env_ = std::move(env.value());

  auto txn = lmdb::Txn::begin(*collection->env_, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  auto dbs = open_dbs(txn.value(), *collection->schema_);
  if (!dbs.ok()) return dbs.error();
  collection->dbs_ = dbs.value();
  auto format = txn->get(collection->dbs_.meta, lmdb::as_bytes(kFormatKey));
  if (!format.ok()) return format.error();
  uint32_t stored_version = layout::kFormatVersion;  // a new collection is written in it
  if (format.value()) {
    stored_version = 0;
    if (format.value()->size() == 4) std::memcpy(&stored_version, format.value()->data(), 4);
    if (stored_version != layout::kFormatVersion) {
      auto upgraded = upgrade_storage_format(txn.value(), *collection->schema_, collection->dbs_,
                                             stored_version);
      if (!upgraded.ok())
        return Error::internal("collection at " + directory + ": " + upgraded.error().message);
    }
  }
  if (!format.value() || stored_version != layout::kFormatVersion) {
    uint32_t version = layout::kFormatVersion;
    auto st = txn->put(collection->dbs_.meta, lmdb::as_bytes(kFormatKey),
                       lmdb::Bytes(reinterpret_cast<const uint8_t*>(&version), 4));
    if (!st.ok()) return st.error();
  }
  {
    auto cursor = lmdb::Cursor::open(txn.value(), collection->dbs_.payload_index);
    if (!cursor.ok()) return cursor.error();
    for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
      boost::system::error_code ec;
      auto schema = boost::json::parse(lmdb::as_string(cursor->value()), ec);
      if (!ec && schema.is_object())
        collection->payload_index_schemas_[lmdb::as_string(cursor->key())] = schema;
    }
  }
  auto graph_db = txn->open_db("graph", MDB_CREATE);
  if (!graph_db.ok()) return graph_db.error();
  collection->graph_db_ = graph_db.value();
  for (size_t i = 0; i < collection->schema_->dense.size(); ++i) {
    const auto& spec = collection->schema_->dense[i];
    if (spec.multivector) continue;
    auto index =
        std::make_unique<VectorIndex>(spec, i,
                                      VacuumPolicy{collection->schema_->deleted_threshold,
                                                   collection->schema_->vacuum_min_vector_number},
                                      log);
    collection->indexes_.push_back(std::move(index));
  }
  WriterState state;
  auto loaded = PointWriter::load(txn.value(), *collection->schema_, collection->dbs_, state);
  if (!loaded.ok()) return loaded.error();
  if (auto st = txn->commit(); !st.ok()) return st.error();

  Collection* raw = collection.get();
  collection->queue_ = std::make_unique<UpdateQueue>(
      *collection->env_, collection->schema_, collection->dbs_, std::move(state),
      [raw](std::shared_ptr<const ReadView> view, const ChangeSet& changes) {
        raw->publish(std::move(view), changes);
      },
      [raw](const std::vector<UpdateOperation>& applied) { raw->on_commit(applied); },
      &collection->payload_indexes_,
      [raw](UpdateQueue::Repair what) { return raw->repair_environment(what); });
  auto view = collection->queue_->initial_view();
  if (!view.ok()) return view.error();
  for (const auto& [field, schema] : collection->payload_index_schemas_)
    (void)collection->payload_indexes_.create(std::string(field), schema.as_object(),
                                              *view.value());
  // Stored graphs answer in place at once; their mutable copies load on the indexing thread.
  for (auto& index : collection->indexes_) index->open_image(view.value(), collection->graph_db_);
  collection->publish(view.value(), ChangeSet{});
  collection->indexing_thread_ = std::thread([raw] { raw->run_indexing(); });
  return collection;
}

void Collection::publish(std::shared_ptr<const ReadView> view, const ChangeSet& changes) {
  last_commit_ = std::chrono::steady_clock::now().time_since_epoch().count();
  payload_indexes_.apply(changes, *view);
  std::atomic_store(&view_, std::move(view));
  {
    std::lock_guard lock(repair_mutex_);
    repairing_ = false;
    repaired_.notify_all();
  }
  std::lock_guard lock(indexing_mutex_);
  indexing_requested_ = true;
  indexing_wake_.notify_one();
}

std::shared_ptr<const ReadView> Collection::view() const {
  if (auto current = std::atomic_load(&view_)) return current;
  std::unique_lock lock(repair_mutex_);
  repaired_.wait(lock, [&] { return !repairing_; });
  return std::atomic_load(&view_);
}

Status Collection::repair_environment(UpdateQueue::Repair what) {
  {
    std::lock_guard lock(repair_mutex_);
    repairing_ = true;
  }
  lmdb::TransactionGate& gate = env_->gate();
  gate.hold();
  std::atomic_store(&view_, std::shared_ptr<const ReadView>());
  // The indexing thread may set an index's view again from a view it took before; it ends that
  // work and then waits in view(), so the indexes are let go of their views until none is left.
  const auto deadline = std::chrono::steady_clock::now() + kRepairDrainTimeout;
  bool drained = false;
  while (!drained && std::chrono::steady_clock::now() < deadline) {
    for (auto& index : indexes_) index->release_views();
    drained = gate.wait_until_empty(std::chrono::milliseconds(20));
  }
  Status status;
  if (!drained) {
    status = Error::internal("the LMDB environment at " + directory_ + " could not be " +
                             (what == UpdateQueue::Repair::kGrowMap ? "grown" : "reopened") +
                             ": views of it were still open after 10 s");
  } else if (what == UpdateQueue::Repair::kGrowMap) {
    status = env_->grow_map();
    if (status.ok()) ++map_growths_;
  } else {
    status = env_->reopen();
    if (status.ok()) ++environment_reopens_;
  }
  gate.release();
  if (log_) {
    const std::string event = what == UpdateQueue::Repair::kGrowMap
                                  ? "the LMDB map was full; growing it to " +
                                        std::to_string(env_->usage().map_size_bytes) + " bytes"
                                  : "LMDB refused further writes after a failed write; reopening "
                                    "the environment";
    log_(event +
         (status.ok() ? std::string(": done") : ": failed (" + status.error().message + ")"));
  }
  return status;
}

bool Collection::should_index(const VectorIndex& index, const ViewState& state) const {
  if (index.ready()) return true;
  const auto& column = state.dense[index.vector_index()];
  if (!column.present) return false;
  const uint64_t threshold_kb = schema_->indexing_threshold_kb;
  if (threshold_kb == 0) return false;
  const uint64_t bytes = column.present->count() * uint64_t(column.dim) * sizeof(float);
  return bytes >= threshold_kb * 1024;
}

Collection::GraphBacklog Collection::graph_backlog(const ViewState& state) const {
  GraphBacklog counts;
  for (const auto& index : indexes_) {
    if (!should_index(*index, state)) continue;
    const auto& column = state.dense[index->vector_index()];
    const uint64_t present = column.present ? column.present->count() : 0;
    const uint64_t in_graph = index->indexed_count();
    counts.backlog += present > in_graph ? present - in_graph : in_graph - present;
    counts.indexed += in_graph;
  }
  return counts;
}

std::optional<std::chrono::steady_clock::time_point> Collection::hold_indexing(
    const ViewState& state) {
  // An offset compaction that is due (compact_if_needed) runs only after the graphs caught up:
  // overwrites, unlike a bulk load of new points, are never held.
  const uint64_t dead = state.offset_limit - state.alive_count;
  if (dead >= std::max<uint64_t>(schema_->vacuum_min_vector_number, state.alive_count) &&
      state.offset_limit >= compaction_retry_limit_)
    return std::nullopt;
  // A graph that is not ready yet is never held: its first build (until then every search of
  // the collection scans exactly), or, after a restart, the adoption of the stored graph's
  // loaded copy (until then searches walk the stored image). Opening the collection counts as
  // a commit, so without this the restart itself would look like a stream of writes.
  for (const auto& index : indexes_)
    if (should_index(*index, state) && !index->ready()) return std::nullopt;
  const GraphBacklog counts = graph_backlog(state);
  const std::chrono::steady_clock::time_point last_commit(
      std::chrono::steady_clock::duration(last_commit_.load()));
  return indexing_hold_.hold_until(std::chrono::steady_clock::now(), last_commit, counts.backlog,
                                   counts.indexed);
}

void Collection::run_indexing() {
  using namespace std::chrono_literals;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::chrono::steady_clock::time_point last_persist{};  // the first pause persists at once
  std::chrono::steady_clock::duration last_persist_cost{};
  bool decide_again = false;  // a hold ended: look at the newest view without waiting
  // An unreadable image is not fatal: the graph is rebuilt from the points.
  for (auto& index : indexes_) (void)index->load(graph_db_);
  for (;;) {
    {
      std::unique_lock lock(indexing_mutex_);
      if (!decide_again)
        indexing_wake_.wait_for(lock, 1s, [&] { return stopping_ || indexing_requested_; });
      decide_again = false;
      if (stopping_) break;
      indexing_requested_ = false;
    }
    auto current = view();
    if (!current) continue;
    if (auto until = hold_indexing(current->state())) {
      current.reset();  // a repair of the environment waits for every view to end
      std::unique_lock lock(indexing_mutex_);
      // Each commit wakes the thread, so the hold learns the gaps between commits.
      indexing_wake_.wait_until(lock, *until, [&] { return stopping_ || indexing_requested_; });
      decide_again = true;
      continue;
    }
    bool built = false;  // graph memory was allocated and freed in the build's threads
    for (auto& index : indexes_) {
      if (!should_index(*index, current->state())) continue;
      const auto& column = current->state().dense[index->vector_index()];
      const uint64_t present = column.present ? column.present->count() : 0;
      const bool behind = index->indexed_count() != present;
      indexing_ = true;
      if (behind) indexing_log_.begin(schema_->dense[index->vector_index()].name, present);
      index->catch_up(current, threads);
      if (behind) indexing_log_.end();
      indexing_ = false;
      built = built || behind;
    }
    // Persist when updates pause for a second (at most every 5 s), and under a steady stream
    // every 5 minutes - at most 5% of the time either way. Each graph image is one contiguous
    // run of pages that LMDB must find among its free pages or append to the file: rewriting
    // it often under steady writes grows the file (docs/benchmarks.md, Soak). A restart
    // rebuilds only what the last image lacks.
    const auto now = std::chrono::steady_clock::now();
    const bool quiet = now - std::chrono::steady_clock::time_point(
                                 std::chrono::steady_clock::duration(last_commit_.load())) >=
                       1s;
    const auto interval = std::max<std::chrono::steady_clock::duration>(
        quiet ? std::chrono::steady_clock::duration(5s) : std::chrono::steady_clock::duration(300s),
        20 * last_persist_cost);
    const bool changed = std::any_of(indexes_.begin(), indexes_.end(),
                                     [](const auto& index) { return index->needs_persist(); });
    if (changed && now - last_persist >= interval) {
      // No view is held across the write transaction: a repair of the environment waits for
      // every view to end while new transactions wait for the repair.
      const uint64_t generation = current->state().generation;
      current.reset();
      for (auto& index : indexes_) (void)index->persist(*env_, graph_db_, generation);
      last_persist = std::chrono::steady_clock::now();
      last_persist_cost = last_persist - now;
      current = view();
      if (!current) continue;
      release_free_heap();  // the build's and the image's transient memory
    } else if (built && !changed) {
      release_free_heap();
    }
    compact_if_needed(std::move(current), threads);
  }
  if (auto last = view())
    for (auto& index : indexes_) (void)index->persist(*env_, graph_db_, last->state().generation);
}

void Collection::compact_if_needed(std::shared_ptr<const ReadView> view, unsigned threads) {
  const ViewState& state = view->state();
  const uint32_t offset_limit = state.offset_limit;
  const uint64_t dead = state.offset_limit - state.alive_count;
  if (dead < std::max<uint64_t>(schema_->vacuum_min_vector_number, state.alive_count)) return;
  if (state.offset_limit < compaction_retry_limit_) return;
  // The rewrite copies every live point into new pages before the old ones are freed: put off
  // while the filesystem cannot hold that copy.
  const uint64_t live_bytes =
      env_->usage().used_bytes * state.alive_count / std::max<uint64_t>(1, state.offset_limit);
  if (!require_free_space(directory_, live_bytes, "offset compaction").ok()) return;
  auto new_to_old = std::make_shared<std::vector<uint32_t>>();
  new_to_old->reserve(state.alive_count);
  state.alive->for_each(state.offset_limit,
                        [&](uint32_t offset) { new_to_old->push_back(offset); });
  const uint64_t generation = state.generation + 1;
  indexing_ = true;
  const auto began = std::chrono::steady_clock::now();
  for (auto& index : indexes_) index->prepare_renumbering(view, *new_to_old, generation, threads);
  const auto prepared = std::chrono::steady_clock::now();
  CompactionPlan plan{new_to_old, offset_limit, generation, graph_db_};
  // The view is let go before waiting for the writer: a repair of the environment on the writer
  // waits for every view to end.
  view.reset();
  Status status = queue_->compact(std::move(plan)).get();
  const auto rewritten = std::chrono::steady_clock::now();
  indexing_ = false;
  using Ms = std::chrono::duration<double, std::milli>;
  last_compaction_prepare_ms_ = Ms(prepared - began).count();
  last_compaction_rewrite_ms_ = Ms(rewritten - prepared).count();
  if (!status.ok()) {
    for (auto& index : indexes_) index->drop_renumbering();
    compaction_retry_limit_ = offset_limit * 2;
    return;
  }
  ++compactions_;
}

Collection::~Collection() { close(); }

void Collection::close() {
  if (queue_) queue_->stop();
  {
    // A repair the stop cut short publishes no view: view() returns none from now on.
    std::lock_guard lock(repair_mutex_);
    repairing_ = false;
    repaired_.notify_all();
  }
  {
    std::lock_guard lock(indexing_mutex_);
    stopping_ = true;
    indexing_wake_.notify_all();
  }
  if (indexing_thread_.joinable()) indexing_thread_.join();
  std::atomic_store(&view_, std::shared_ptr<const ReadView>());
  if (env_) env_->sync();
}

Result<UpdateResult> Collection::update(std::vector<UpdateOperation> operations, bool wait) {
  // Payload index definitions are persisted in the same transaction as the operation id.
  auto [operation_id, done] = queue_->submit(std::move(operations));
  UpdateResult result;
  result.operation_id = operation_id;
  if (!wait) return result;
  Status status = done.get();
  if (!status.ok()) return status.error();
  result.completed = true;
  return result;
}

void Collection::on_commit(const std::vector<UpdateOperation>& applied) {
  for (const auto& op : applied) {
    if (auto* create = std::get_if<CreatePayloadIndex>(&op)) {
      auto current = view();
      (void)payload_indexes_.create(create->field_name, create->field_schema, *current);
      std::lock_guard lock(config_mutex_);
      payload_index_schemas_[create->field_name] = create->field_schema;
    } else if (auto* drop = std::get_if<DeletePayloadIndex>(&op)) {
      payload_indexes_.drop(drop->field_name);
      std::lock_guard lock(config_mutex_);
      payload_index_schemas_.erase(drop->field_name);
    }
  }
}

CollectionConfig Collection::config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
}

void Collection::set_config(CollectionConfig config) {
  std::lock_guard lock(config_mutex_);
  config_ = std::move(config);
}

boost::json::object Collection::payload_index_schemas() const {
  std::lock_guard lock(config_mutex_);
  return payload_index_schemas_;
}

namespace {

// Estimates how many live points pass `filter` from an evenly spread sample of offsets.
uint64_t estimate_matching(const ReadView& view, const index::filter::Filter& filter) {
  const ViewState& state = view.state();
  if (state.alive_count == 0) return 0;
  constexpr uint32_t kSamples = 512;
  const uint32_t step = std::max<uint32_t>(1, state.offset_limit / kSamples);
  PointReader reader = view.reader();
  uint64_t seen = 0, matched = 0;
  for (uint32_t offset = 0; offset < state.offset_limit; offset += step) {
    if (!state.alive->test(offset)) continue;
    ++seen;
    matched += point_matches(filter, reader, offset);
  }
  if (seen == 0) return 0;
  return matched * state.alive_count / seen;
}

uint64_t estimate_matching(const ReadView& view, const index::filter::Filter& filter,
                           const PayloadIndexes& indexes) {
  if (indexes.empty()) return estimate_matching(view, filter);
  return indexes.estimate(filter, view.state().alive_count).expected;
}

}  // namespace

std::vector<ScoredOffset> Collection::search(const ReadView& view, const SearchRequest& request,
                                             ParallelPool& pool) const {
  if (std::holds_alternative<SparseVector>(request.vector)) {
    std::optional<uint64_t> matching;
    if (request.filter) matching = estimate_matching(view, *request.filter, payload_indexes_);
    return sparse_search(view, request, matching);
  }
  const auto* dense = std::get_if<std::vector<float>>(&request.vector);
  const int vector_index = schema_->dense_index(request.vector_name);
  if (!request.params.exact && dense && vector_index >= 0) {
    for (const auto& index : indexes_) {
      if (index->vector_index() != size_t(vector_index) || !index->serving()) continue;
      const auto& spec = schema_->dense[vector_index];
      if (request.filter) {
        // Restrictive filters are answered by scanning the few matching points exactly.
        const uint64_t matching = estimate_matching(view, *request.filter, payload_indexes_);
        if (matching * spec.dim * sizeof(float) < spec.hnsw.full_scan_threshold_kb * 1024) break;
      }
      // So are small shards: the graph spans every shard of the collection.
      const uint64_t in_shards = view.state().alive_count;
      if (view.state().shard_restricted &&
          in_shards * spec.dim * sizeof(float) < spec.hnsw.full_scan_threshold_kb * 1024)
        break;
      // uint8 Cosine vectors are stored unnormalised: their cosine is scanned exactly.
      if (spec.distance == Distance::kCosine && spec.datatype == Datatype::kUint8) break;
      std::vector<float> query = *dense;
      prepare_query_rows(spec, query);
      if (auto results = index->search(view, request, query)) return std::move(*results);
    }
  }
  return exact_search(view, request, pool);
}

CollectionStats Collection::stats() const {
  CollectionStats stats;
  auto current = view();
  if (!current) return stats;
  const ViewState& state = current->state();
  stats.points_count = state.alive_count;
  for (const auto& column : state.dense)
    if (column.present) stats.vectors_count += column.present->count();
  stats.pending_updates = queue_ ? queue_->pending() : 0;
  for (const auto& index : indexes_) stats.indexed_vectors_count += index->indexed_count();
  // Yellow while the graphs lack vectors, as Qdrant's while segments wait for its optimizer.
  stats.indexing = indexing_.load() || graph_backlog(state).backlog > 0;
  stats.compactions = compactions_.load();
  stats.last_compaction_prepare_ms = last_compaction_prepare_ms_.load();
  stats.last_compaction_rewrite_ms = last_compaction_rewrite_ms_.load();
  const lmdb::Env::Usage usage = env_->usage();
  stats.map_size_bytes = usage.map_size_bytes;
  stats.data_bytes = usage.used_bytes;
  if (auto bytes = current->txn().stored_bytes(state.dbs.payload); bytes.ok())
    stats.payload_storage_bytes = bytes.value();
  stats.map_growths = map_growths_.load();
  stats.environment_reopens = environment_reopens_.load();
  for (size_t i = 0; i < schema_->dense.size() && i < state.dense.size(); ++i) {
    const auto& column = state.dense[i];
    stats.vectors_by_name.emplace_back(schema_->dense[i].name,
                                       column.present ? column.present->count() : 0);
  }
  for (size_t i = 0; i < schema_->sparse.size() && i < state.sparse_present.size(); ++i) {
    const auto& present = state.sparse_present[i];
    stats.vectors_by_name.emplace_back(schema_->sparse[i].name, present ? present->count() : 0);
  }
  return stats;
}

IndexingStatus Collection::indexing_status() const {
  IndexingStatus status;
  status.log = indexing_log_.snapshot();
  auto current = view();
  for (const auto& index : indexes_) {
    const std::string& name = schema_->dense[index->vector_index()].name;
    const uint64_t indexed = index->indexed_count();
    if (status.log.running && status.log.running->vector_name == name) {
      status.running_done = indexed;
      continue;
    }
    uint64_t present = 0;
    bool due = false;
    if (current) {
      const auto& column = current->state().dense[index->vector_index()];
      present = column.present ? column.present->count() : 0;
      due = should_index(*index, current->state()) && indexed != present;
    }
    (due ? status.queued : status.idle).push_back({name, present});
  }
  return status;
}

}  // namespace sextant::storage
