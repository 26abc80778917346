// HnswGraph: a mutable, in-memory HNSW graph over internal offsets.
//
// Nodes are identified by the caller's offsets (a node's index is its offset), vectors are read
// through a VectorSource passed to each call. Level 0 is one flat array, (1 + 2m) u32 per offset:
// [count, neighbour...], so a node's links are one or two cache lines found by a multiply.
// Upper levels (about 1/m of the nodes) are per-node arrays, [count, neighbour...] x level.
//
// Concurrency: insert() may be called from many threads at once (parallel build) and concurrently
// with search() and mark_deleted(). Capacity growth takes an exclusive lock; everything else a
// shared one, plus one striped lock per node while its links change.
//
// Deletes are tombstones: a deleted node still routes searches but is never returned. Updates are
// delete + insert under a new offset (storage never reuses an offset). When tombstones pile up
// (deleted_count() against the optimizer's deleted_threshold) the owner rebuilds with
// rebuild_without_deleted().
//
// Invariants: every neighbour id stored is an inserted node; a node never links to itself;
// level-0 lists hold at most 2m ids, upper lists at most m.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/hnsw/hnsw_params.hpp"
#include "index/hnsw/search_request.hpp"
#include "index/hnsw/vector_source.hpp"

namespace sextant::index {

class HnswGraph {
 public:
  explicit HnswGraph(const HnswParams& params);
  HnswGraph(HnswGraph&& other) noexcept;
  HnswGraph& operator=(HnswGraph&&) = delete;
  HnswGraph(const HnswGraph&) = delete;
  ~HnswGraph();

  const HnswParams& params() const { return params_; }

  // Inserts `offset` (not already present). Thread-safe. With `codes` (covering the offset, for a
  // float32 Cosine/Dot/Euclid graph) links are chosen on int8 codes: a faster build.
  void insert(uint32_t offset, const VectorSource& source, const QuantizedVectors* codes = nullptr);
  // Inserts all `offsets` using `threads` threads (0 = hardware concurrency).
  void build(std::span<const uint32_t> offsets, const VectorSource& source, unsigned threads,
             const QuantizedVectors* codes = nullptr);
  // Tombstones `offset`; it stays in the graph for routing. No-op if absent.
  void mark_deleted(uint32_t offset);

  bool contains(uint32_t offset) const;
  bool is_deleted(uint32_t offset) const;
  size_t points_count() const { return points_count_.load(); }  // inserted, including deleted
  size_t deleted_count() const { return deleted_count_.load(); }
  size_t memory_bytes() const;

  // Best-first hits among live (non-tombstoned) nodes passing the request's restrictions.
  std::vector<ScoredOffset> search(const SearchRequest& request, const VectorSource& source) const;

  // A fresh graph over the live nodes only (the "repair" for many deletes); with `codes`, links
  // are chosen on them as in build().
  HnswGraph rebuild_without_deleted(const VectorSource& source, unsigned threads,
                                    const QuantizedVectors* codes = nullptr) const;

  // The graph of a renumbered offset space (a collection's offset compaction): new node j is
  // this graph's node new_to_old[j], for j in `members` (ascending); `source` holds the
  // vectors by new offset. Live nodes keep their levels and links, mapped; a link to a node
  // left out (a tombstone) is replaced by the best of the kept links and that node's own
  // links (the heuristic picks them), so routing through removed nodes is not lost. Members
  // this graph lacks are inserted. Cost: a few distance computations per lost link, far below
  // a build. float32 graphs only: others are built afresh.
  HnswGraph renumbered(std::span<const uint32_t> new_to_old, std::span<const uint32_t> members,
                       const VectorSource& source, unsigned threads,
                       const QuantizedVectors* codes = nullptr) const;

  // The flat image HnswImageView searches in place (see hnsw_image.hpp for the format).
  std::vector<std::byte> serialize() const;
  // A mutable copy of an image, for further inserts, made only once the image is verified
  // (header and body checksums). A kCorrupted Error on a malformed or damaged image.
  static Result<HnswGraph> from_image(std::span<const std::byte> image);

  // The graph's memory; defined in hnsw_graph_storage.hpp, used only inside index/hnsw.
  struct Storage;

 private:
  void ensure_capacity(uint32_t offset);
  int random_level();

  HnswParams params_;
  std::unique_ptr<Storage> storage_;
  mutable std::shared_mutex structure_mutex_;
  std::atomic<size_t> points_count_{0};
  std::atomic<size_t> deleted_count_{0};
};

}  // namespace sextant::index
