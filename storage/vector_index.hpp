// The HNSW index of one dense vector of a collection, kept in step with the collection's read
// views by the collection's indexing thread, persisted as an image in LMDB so a restart does not
// rebuild it.
//
// Invariants:
// - `synced_view_` is the newest view the graph was updated from; its chunk table covers every
//   offset in the graph (offsets only grow and never change vectors), so graph searches read
//   vectors through it. Holding it pins those pages in the map.
// - The graph changes only under the exclusive lock, in small batches; searches hold the shared
//   lock while they walk it. Until the first build completes (`ready_`), searches scan exactly
//   and never wait for indexing.
// - Offsets of a view that are alive but not yet in the graph are searched exactly and merged,
//   so results never miss a point because indexing lags.
// - With quantization configured (scalar, binary, product or turbo), `codes_` holds a code of
//   that kind for every offset in the graph (encoded before the offset is inserted, changed only
//   under the exclusive lock); the graph is walked on them (and, for int8 codes, built on them),
//   and searches rescore on the stored float32 vectors as the query's `quantization` params ask.
//   Codes are persisted beside the graph image under keys of their kind (code_chunks.hpp);
//   stored codes of another kind than the configured one are dropped and encoded again.
// - Without quantization configured, a float32 Cosine/Dot/Euclid vector still gets int8 codes of
//   its own (VectorCodes::internal(), kept, persisted and restored the same way): its graph is
//   built and walked on them, and every search rescores the whole beam on float32.
// - Stored state found damaged or of an unknown format (a graph image, a code chunk) is never
//   used: it is reported through `log_` naming the vector, and rebuilt from the stored vectors.
// - After a restart, until the mutable copy of the stored graph is loaded (`ready_`), searches
//   walk the stored image in place (`image_`, read through `image_view_`'s transaction, which
//   pins its pages) on float32 vectors: the first answer needs only the pages it touches, not
//   the whole image and codes read from disk. open_image checks only the image's header and its
//   checksum; the body is verified against its checksum by load() on the indexing thread before
//   the copy is trusted. Until then searches walk the unverified body, which cannot lead them
//   outside the image or the view's vectors (hnsw_image.hpp), and every hit is scored on the
//   stored vectors and checked against the view's live points: a damaged body can lower recall
//   for that moment, never return a deleted point or a wrong score. A body that fails the check
//   stops serving at once (exact scans) and the graph is rebuilt.
// - Offsets are those of one offset space, `generation_` (ViewState::generation); a search on a
//   view of another generation does not use the graph. For an offset compaction the indexing
//   thread first builds the graph of the next generation beside the current one
//   (`renumbered_`), so searches on the first renumbered views use it at once; the first
//   catch_up on such a view makes it the graph. Graphs of an old generation are never persisted.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_image.hpp"
#include "storage/collection_schema.hpp"
#include "storage/lmdb.hpp"
#include "storage/read_view.hpp"
#include "storage/storage_log.hpp"
#include "storage/vector_codes.hpp"
#include "storage/vector_search.hpp"

namespace sextant::storage {

// When tombstones make up more than `deleted_threshold` of a graph of at least
// `min_vector_number` nodes, the graph is rebuilt over the live nodes (Qdrant's optimizer
// `deleted_threshold` / `vacuum_min_vector_number`).
struct VacuumPolicy {
  double deleted_threshold = 0.2;
  uint64_t min_vector_number = 1000;
};

class VectorIndex {
 public:
  // `log` receives one line per repair of stored state (storage_log.hpp); the caller's sink names
  // the collection, this index the vector.
  VectorIndex(const DenseVectorSpec& spec, size_t vector_index, VacuumPolicy vacuum = {},
              LogSink log = {});

  size_t vector_index() const { return vector_index_; }
  // Starts serving searches from the stored image in place (O(1): no copy), through `view`'s
  // read transaction. Call before indexing starts; a missing image is ignored, an unreadable one
  // reported and left to be rebuilt.
  void open_image(std::shared_ptr<const ReadView> view, MDB_dbi graph_db);
  // Restores the mutable graph and its codes from the stored image opened by open_image (the
  // indexing thread does this first). An unreadable image, or damaged codes, are reported and
  // left to be rebuilt (by catch_up); only a failing read is an error.
  Status load(MDB_dbi graph_db);
  // Inserts the view's live offsets the graph lacks and tombstones the dead ones. Returns true
  // when the graph changed.
  bool catch_up(const std::shared_ptr<const ReadView>& view, unsigned threads);
  // Writes the graph image (and the quantized codes) in its own write transaction (LMDB serialises
  // it with the writer), when the graph is in offset space `generation` (the collection's).
  Status persist(lmdb::Env& env, MDB_dbi graph_db, uint64_t generation);

  // Lets go of every view of the map the index holds (the environment is about to be remapped):
  // searches scan exactly until the next catch_up gives it a view again. Any thread.
  void release_views();

  // The graph changed since it was last persisted.
  bool needs_persist() const { return dirty_.load(); }

  // Offset compaction, on the indexing thread. Builds from `view` (which the graph is synced to)
  // the graph and codes of offset space `generation`, where new offset j holds `view`'s offset
  // new_to_old[j]; searches on views of that generation use it until catch_up adopts it.
  // An index that is not ready builds nothing: it is rebuilt in the new space.
  void prepare_renumbering(const std::shared_ptr<const ReadView>& view,
                           std::span<const uint32_t> new_to_old, uint64_t generation,
                           unsigned threads);
  // The compaction failed: the prepared graph is let go.
  void drop_renumbering();

  bool ready() const { return ready_.load(); }
  // True once searches can go through the graph: the mutable graph, or the stored image.
  bool serving() const { return ready_.load() || image_serving_.load(); }
  uint64_t indexed_count() const;
  bool quantized() const;
  // Graph search merged with an exact scan of the view's unindexed offsets. nullopt when the
  // index is not ready.
  std::optional<std::vector<ScoredOffset>> search(const ReadView& view,
                                                  const SearchRequest& request,
                                                  const std::vector<float>& query) const;

 private:
  bool wants_codes() const;
  // Trains the configured quantizer on a sample of `offsets` and encodes them all. Exclusive
  // lock held.
  void start_codes(std::span<const uint32_t> offsets, const index::VectorSource& source,
                   unsigned threads);
  static index::VectorSource source_of(const ReadView& view, size_t vector_index);
  // Passes `event` to the log sink, naming this index's vector.
  void report(const std::string& event) const;
  // Appends `offset`'s exact score when it passes the request's filter (points the graph lacks).
  void score_exactly(const PointReader& reader, uint32_t offset, const SearchRequest& request,
                     const std::vector<float>& query, std::vector<ScoredOffset>& out) const;
  // The mutable graph serves from now on; the in-place image is let go. Exclusive lock held.
  void mark_ready();
  // Search on the stored image while the mutable graph loads (see the invariants).
  std::optional<std::vector<ScoredOffset>> search_image(const ReadView& view,
                                                        index::SearchRequest graph_request,
                                                        const SearchRequest& request,
                                                        const std::vector<float>& query) const;
  // Moves to the offset space of `view` (exclusive lock held): the prepared graph when it is of
  // that generation, otherwise an empty graph to be built again.
  void adopt_generation(const std::shared_ptr<const ReadView>& view);
  // Rebuilds the graph without its tombstones when the vacuum policy says so.
  void vacuum_if_needed(const index::VectorSource& source, unsigned threads);

  DenseVectorSpec spec_;
  size_t vector_index_;
  VacuumPolicy vacuum_;
  LogSink log_;
  mutable std::shared_mutex mutex_;
  std::optional<index::HnswGraph> graph_;
  std::unique_ptr<VectorCodes> codes_;
  uint32_t codes_persisted_ = 0;  // codes of offsets below this are stored (persist thread only)
  bool stale_codes_checked_ = false;  // persist thread only
  std::shared_ptr<const ReadView> synced_view_;
  std::shared_ptr<const ReadView> image_view_;  // until ready_: pins the stored image's pages
  std::optional<index::HnswImageView> image_;
  // Every live offset below this (with the vector) is in the graph.
  uint32_t indexed_limit_ = 0;
  std::atomic<bool> ready_{false};
  std::atomic<bool> image_serving_{false};
  std::atomic<bool> dirty_{false};
  uint64_t generation_ = 0;  // offset space of graph_ and codes_ (changed under the lock)
  struct Renumbered {
    index::HnswGraph graph;
    std::unique_ptr<VectorCodes> codes;
    uint64_t generation;
    uint32_t limit;  // offsets below this were planned (holes included)
  };
  std::optional<Renumbered> renumbered_;
};

}  // namespace sextant::storage
