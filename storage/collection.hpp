// One collection: its LMDB environment, schema and configuration, the update queue that orders
// and commits its writes, and the current read view its queries run on.
//
// Ownership: the Storage engine owns Collections through shared_ptr; a request holds its own
// shared_ptr for its duration, so a collection deleted meanwhile stays usable until the
// request ends. Thread-safety: every public method may be called from any thread.
//
// A full LMDB map, or an environment LMDB refuses after a failed write, is repaired while the
// collection serves (repair_environment): the current view and the indexes' views are let go,
// new transactions wait at the environment's gate until the views requests still hold end, the
// map grows (or the environment is reopened), and a view of the new map is published. view()
// waits for that view meanwhile; the indexes search exactly until they catch up with it.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.hpp"
#include "storage/collection_config.hpp"
#include "storage/collection_schema.hpp"
#include "storage/indexing_hold.hpp"
#include "storage/indexing_log.hpp"
#include "storage/lmdb.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"
#include "storage/update_queue.hpp"
#include "storage/vector_index.hpp"
#include "storage/vector_search.hpp"

namespace sextant::storage {

struct CollectionStats {
  uint64_t points_count = 0;
  uint64_t indexed_vectors_count = 0;
  uint64_t vectors_count = 0;  // dense vectors stored, over all names
  size_t pending_updates = 0;
  bool indexing = false;     // background indexing runs, or a backlog is held back (status yellow)
  uint64_t compactions = 0;  // offset compactions since open
  double last_compaction_prepare_ms = 0;  // renumbered graphs built (searches and writes go on)
  double last_compaction_rewrite_ms = 0;  // the writer's rewrite (writes wait)
  uint64_t map_size_bytes = 0;            // the LMDB map (address space reserved, not disk)
  uint64_t data_bytes = 0;                // committed pages of data.mdb
  uint64_t payload_storage_bytes = 0;     // pages of the payload table (not its indexes)
  uint64_t map_growths = 0;               // times the map grew since open
  uint64_t environment_reopens = 0;       // times the environment was reopened since open
  // Stored vectors per name (dense then sparse, in schema order), "" for the default vector.
  std::vector<std::pair<std::string, uint64_t>> vectors_by_name;
};

// The indexing thread's work for /collections/{c}/optimizations: what runs, what waits (the
// vectors due for indexing that the thread has not reached), what finished.
struct IndexingStatus {
  struct Pending {
    std::string vector_name;
    uint64_t points = 0;  // vectors of that name in the newest view
  };
  IndexingSnapshot log;
  uint64_t running_done = 0;  // vectors the running run's graph holds so far
  std::vector<Pending> queued;
  std::vector<Pending> idle;  // vectors up to date or below the indexing threshold
};

class Collection {
 public:
  // Opens the environment in `directory` (creating it when new) for `schema`; `config` is the
  // configuration the collection reports (schema_from_config(config) == schema, except for
  // engine-level users such as tests that open a bare schema). `log` receives a line for each
  // stored state found damaged and repaired (storage_log.hpp); the caller's sink names the
  // collection.
  // `env_options` sizes the LMDB environment (its map grows when full).
  static Result<std::shared_ptr<Collection>> open(const std::string& directory,
                                                  const CollectionSchema& schema,
                                                  CollectionConfig config = {}, LogSink log = {},
                                                  lmdb::Env::Options env_options = {});
  ~Collection();

  // Queues the operations; with wait=true returns once they are durable.
  Result<UpdateResult> update(std::vector<UpdateOperation> operations, bool wait);

  // The current view; during an environment repair, the first view of the repaired map.
  std::shared_ptr<const ReadView> view() const;
  // Nearest-neighbour search on `view` (validated request): the HNSW index when the collection
  // is indexed and the query allows it, otherwise an exact scan.
  std::vector<ScoredOffset> search(const ReadView& view, const SearchRequest& request,
                                   ParallelPool& pool) const;
  const CollectionSchema& schema() const { return *schema_; }
  std::shared_ptr<const CollectionSchema> schema_ptr() const { return schema_; }

  // The configuration as configured and updated; updates act on schema() at the next open.
  CollectionConfig config() const;
  void set_config(CollectionConfig config);
  // Payload indexes: field name -> field schema (as given to create_payload_index).
  boost::json::object payload_index_schemas() const;
  const PayloadIndexes& payload_indexes() const { return payload_indexes_; }

  CollectionStats stats() const;
  IndexingStatus indexing_status() const;
  const std::string& directory() const { return directory_; }
  lmdb::Env& env() { return *env_; }
  // Finishes queued updates and closes the environment cleanly.
  void close();

 private:
  Collection() = default;
  void on_commit(const std::vector<UpdateOperation>& applied);
  void publish(std::shared_ptr<const ReadView> view, const ChangeSet& changes);
  // On the writer thread, no transaction open: lets go of every view of the map, waits (at
  // most kRepairDrainTimeout) for the views requests hold to end, and grows the map or reopens
  // the environment. The writer publishes the next view.
  Status repair_environment(UpdateQueue::Repair what);
  // The indexing thread: brings every vector index up to date with the newest view, persisting
  // the graphs once they settle.
  void run_indexing();
  bool should_index(const VectorIndex& index, const ViewState& state) const;
  // Vectors of `state` the graphs due for indexing lack (or hold but should not), and hold.
  struct GraphBacklog {
    uint64_t backlog = 0;
    uint64_t indexed = 0;
  };
  GraphBacklog graph_backlog(const ViewState& state) const;
  // On the indexing thread: whether to hold the graphs' backlog back for now while upserts
  // stream in (indexing_hold.hpp); when to decide again if so.
  std::optional<std::chrono::steady_clock::time_point> hold_indexing(const ViewState& state);
  // Renumbers the live points densely (offset_compaction.hpp) once dead offsets make up half of
  // the offset range: prepares the renumbered graphs from `view`, then has the writer rewrite.
  // Lets go of `view` before it waits for the writer.
  void compact_if_needed(std::shared_ptr<const ReadView> view, unsigned threads);

  std::string directory_;
  std::unique_ptr<lmdb::Env> env_;
  std::shared_ptr<const CollectionSchema> schema_;
  CollectionDbs dbs_;
  std::unique_ptr<UpdateQueue> queue_;
  std::shared_ptr<const ReadView> view_;
  mutable std::mutex repair_mutex_;
  mutable std::condition_variable repaired_;
  bool repairing_ = false;  // view_ is let go until the writer publishes the repaired map's view
  std::atomic<uint64_t> map_growths_{0};
  std::atomic<uint64_t> environment_reopens_{0};
  LogSink log_;

  PayloadIndexes payload_indexes_;
  std::vector<std::unique_ptr<VectorIndex>> indexes_;  // one per indexable dense vector
  MDB_dbi graph_db_ = 0;
  std::mutex indexing_mutex_;
  std::condition_variable indexing_wake_;
  bool indexing_requested_ = false;
  bool stopping_ = false;
  std::atomic<bool> indexing_{false};
  IndexingHold indexing_hold_;  // indexing thread only
  IndexingLog indexing_log_;
  uint32_t compaction_retry_limit_ = 0;  // after a failed compaction: not before this range
  std::atomic<uint64_t> compactions_{0};
  std::atomic<int64_t> last_commit_{0};  // steady_clock ticks of the last published commit
  std::atomic<double> last_compaction_prepare_ms_{0};
  std::atomic<double> last_compaction_rewrite_ms_{0};
  std::thread indexing_thread_;

  mutable std::mutex config_mutex_;
  CollectionConfig config_;
  boost::json::object payload_index_schemas_;
};

}  // namespace sextant::storage
