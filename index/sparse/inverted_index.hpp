// The sparse inverted index of one sparse vector: for every dimension, the posting list of the
// offsets whose vector has a weight there, so a sparse search reads only the postings of the
// query's dimensions instead of every stored vector.
//
// Shape: a list of immutable runs, each covering an offset range [first_offset, end_offset)
// and holding its postings in CSR form (sorted dimensions, per-dimension posting lists sorted by
// offset). Offsets only grow in a collection's offset space, so the vectors written since the
// last publish form a new run after every existing one; runs of similar size are merged
// (concatenation per dimension, no re-sort) so a run count stays logarithmic in the number of
// vectors.
//
// Invariants:
// - An InvertedIndex is never modified after it is built; `appended` returns a new index that
//   shares the untouched runs with the old one, so read views can hold it without locks.
// - Runs are ordered by offset and do not overlap; every posting list is sorted by offset.
// - Tombstones stay in the postings: callers pass an `accept` predicate (alive, carrying the
//   vector, matching a filter) and the index never decides liveness itself.
// - Empty vectors have no postings and are not documents (Qdrant does not index them either).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sextant::index::sparse {

struct Posting {
  uint32_t offset = 0;
  float weight = 0;
};

// A query or stored vector: indices strictly ascending, values parallel to them.
struct SortedSparse {
  std::vector<uint32_t> indices;
  std::vector<float> values;
};

struct SparseHit {
  uint32_t offset = 0;
  float score = 0;
};

// Vectors written since the last publish, in ascending offset order, waiting to become a run.
class PendingVectors {
 public:
  // `indices` must be strictly ascending; offsets must grow from call to call.
  void add(uint32_t offset, const uint32_t* indices, const float* values, size_t count);
  bool empty() const { return offsets_.empty(); }
  void clear();

 private:
  friend class InvertedIndex;
  std::vector<uint32_t> offsets_;  // documents, ascending
  struct Entry {
    uint32_t dim;
    uint32_t offset;
    float weight;
  };
  std::vector<Entry> entries_;
};

class InvertedIndex {
 public:
  // A new index holding `base`'s runs (may be null) and a run built from `pending`.
  static std::shared_ptr<const InvertedIndex> appended(
      const std::shared_ptr<const InvertedIndex>& base, const PendingVectors& pending);

  using Accept = std::function<bool(uint32_t offset)>;

  // The `limit` best offsets by dot product with `query` among those sharing at least one
  // dimension with it (Qdrant never returns a point without overlap) and scoring other than
  // exactly 0 (Qdrant's index search drops those too; its filtered full scan keeps them),
  // accepted by `accept` and scoring strictly above `score_threshold` when given. Best first;
  // ties by ascending offset.
  std::vector<SparseHit> search(const SortedSparse& query, size_t limit, const Accept& accept,
                                const float* score_threshold = nullptr) const;

  // Documents (non-empty vectors) accepted by `accept`.
  size_t document_count(const Accept& accept) const;
  // Accepted documents with a weight at `dim`.
  size_t document_frequency(uint32_t dim, const Accept& accept) const;

  size_t run_count() const { return runs_.size(); }
  size_t posting_count() const;  // tombstones included

 private:
  struct Run {
    uint32_t first_offset = 0;
    uint32_t end_offset = 0;            // exclusive
    std::vector<uint32_t> documents;    // ascending offsets of non-empty vectors
    std::vector<uint32_t> dims;         // ascending
    std::vector<uint32_t> list_starts;  // dims.size() + 1 entries into postings
    std::vector<Posting> postings;

    // The posting list of `dim`, empty when the run has none.
    std::pair<const Posting*, const Posting*> list(uint32_t dim) const;
  };
  static std::shared_ptr<const Run> build_run(const PendingVectors& pending);
  static std::shared_ptr<const Run> merge_runs(const Run& older, const Run& newer);

  std::vector<std::shared_ptr<const Run>> runs_;  // ascending offset ranges
};

// Qdrant's IDF of a dimension: ln((n - df + 0.5) / (df + 0.5) + 1), n documents, df of them
// carrying the dimension.
float idf(size_t document_count, size_t document_frequency);

}  // namespace sextant::index::sparse
