// The two graph walks every HNSW operation is made of, written once for both graph forms (the
// mutable HnswGraph and the in-place HnswImageView) through a `Layers` accessor:
//   uint32_t capacity() const;                               nodes are offsets below this
//   const uint32_t* links(uint32_t node, int level) const;   [count, neighbour...]
//
// greedy_descend: ef = 1 walk on the upper levels, towards the query.
// search_layer: best-first beam search on one level. Without restrictions it is the classic
//   HNSW search (beam = ef). With restrictions (filter, tombstones) every node is still traversed
//   but only accepted ones enter the results, and the walk ends when either the ef best accepted
//   nodes cannot improve or the `explore_width` best nodes seen overall cannot (the width grows as
//   1/selectivity, so a restrictive filter explores proportionally further instead of stopping in
//   a region with no match).
//
// Distances come from a `Dist` (a GraphDistance, or ProductCodeDistance whose query is a lookup
// table): Dist::Element is what the Source holds per node, Dist::Query what the query is made
// of, and distance(query, element) is lower-is-closer.
//
// Neither allocates once the thread's scratch buffers have grown. The walk is bound by memory
// latency, so memory is requested ahead of use. Per hop: the list's unvisited neighbours are
// gathered without a branch on the visited tags (VisitedSet::mark_unvisited); the first cache
// line of the next few of their vectors is requested (a window of kAhead, not all of them at
// once, which left too many misses and page walks in flight for the int8 walk), and the leading
// lines of each next vector while the current one is scored; all of the hop's distances are
// computed before any is ordered, so no branch on a distance separates two vector reads; and the
// link list of a neighbour closer than the frontier's best, the node expanded next, is requested
// as soon as it is scored. A Layers accessor may offer `void prefetch_links(uint32_t node, int
// level) const` for that (a hint); one without it gets no list prefetch. Prefetching never
// changes which nodes are visited nor in which order. (Measured with bench/index/walk_ab.py:
// prefetching whole 1.5 KiB vectors, or the visited tags, was not faster.) Vectors come from a
// `Source` with vector_data(node) and vector_bytes(): a ResolvedSource (full vectors) or a code
// store (QuantizedVectors, BinaryVectors, ProductVectors).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "index/hnsw/graph_distance.hpp"
#include "index/hnsw/vector_source.hpp"
#include "index/hnsw/visited_set.hpp"

namespace sextant::index {

struct Candidate {
  float distance;
  uint32_t node;
};

struct CloserFirst {  // heap order putting the closest on top
  bool operator()(const Candidate& a, const Candidate& b) const { return a.distance > b.distance; }
};
struct FartherFirst {  // heap order putting the farthest on top
  bool operator()(const Candidate& a, const Candidate& b) const { return a.distance < b.distance; }
};

// Reused per-thread buffers of search_layer.
struct SearchScratch {
  std::vector<Candidate> frontier;
  std::vector<Candidate> bound;
  std::vector<uint32_t> pending;
  std::vector<float> distances;  // of `pending`, in its order
};

inline SearchScratch& thread_local_search_scratch() {
  thread_local SearchScratch scratch;
  return scratch;
}

// A VectorSource with its address arithmetic precomputed for the inner loop.
struct ResolvedSource {
  const void* const* chunks;
  uint32_t shift;
  uint32_t mask;
  size_t stride;

  explicit ResolvedSource(const VectorSource& source)
      : chunks(source.chunks),
        shift(source.per_chunk_shift),
        mask(source.per_chunk_shift >= 32 ? ~0u : (1u << source.per_chunk_shift) - 1),
        stride(source.vector_bytes()) {}
  size_t vector_bytes() const { return stride; }
  const void* vector_data(uint32_t node) const {
    return static_cast<const std::byte*>(chunks[node >> shift]) + size_t(node & mask) * stride;
  }
};

template <typename T, typename Source>
inline const T* vector_of(const Source& source, uint32_t node) {
  return static_cast<const T*>(source.vector_data(node));
}

template <typename Source>
inline void prefetch_vector(const Source& source, uint32_t node, size_t lines) {
  const char* p = static_cast<const char*>(source.vector_data(node));
  for (size_t line = 0; line < lines; ++line) __builtin_prefetch(p + line * 64, 0, 3);
}

// Prefetches a node's link list at `level` when the accessor can (see the file comment).
template <typename Layers>
inline void prefetch_links(const Layers& layers, uint32_t node, int level) {
  if constexpr (requires { layers.prefetch_links(node, level); })
    layers.prefetch_links(node, level);
}

// How many leading cache lines of the next vector the walk prefetches (the hardware fetches the
// rest of a sequential read on its own).
inline size_t walk_prefetch_lines(size_t vector_bytes) {
  return std::min<size_t>((vector_bytes + 63) / 64, 8);
}

template <typename Dist, typename Layers, typename Source>
uint32_t greedy_descend(const Layers& layers, const Dist& distance,
                        const typename Dist::Query* query, const Source& source, uint32_t entry,
                        int from_level, int to_level) {
  using T = typename Dist::Element;
  uint32_t current = entry;
  float current_distance = distance(query, vector_of<T>(source, current));
  for (int level = from_level; level > to_level; --level) {
    bool moved = true;
    while (moved) {
      moved = false;
      const uint32_t* list = layers.links(current, level);
      const uint32_t count = list[0];
      for (uint32_t i = 0; i < count; ++i) {
        const uint32_t neighbour = list[1 + i];
        const float d = distance(query, vector_of<T>(source, neighbour));
        if (d < current_distance) {
          current_distance = d;
          current = neighbour;
          moved = true;
        }
      }
    }
  }
  return current;
}

// Fills `results` (a FartherFirst heap, at most ef entries) with the closest accepted nodes.
// kRestricted = false means every node is accepted (accept is not called).
template <bool kRestricted, typename Dist, typename Layers, typename Source, typename Accept>
void search_layer(const Layers& layers, const Dist& distance, const typename Dist::Query* query,
                  const Source& source, uint32_t entry, int level, size_t ef, size_t explore_width,
                  const Accept& accept, VisitedSet& visited, SearchScratch& scratch,
                  std::vector<Candidate>& results) {
  using T = typename Dist::Element;
  const size_t prefetch_lines = walk_prefetch_lines(source.vector_bytes());
  std::vector<Candidate>& frontier = scratch.frontier;
  std::vector<Candidate>& bound = scratch.bound;
  std::vector<uint32_t>& pending = scratch.pending;
  std::vector<float>& distances = scratch.distances;
  frontier.clear();
  bound.clear();
  results.clear();
  visited.begin(layers.capacity());

  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  auto worst_result = [&] { return results.size() < ef ? kInfinity : results.front().distance; };
  auto worst_bound = [&] {
    return bound.size() < explore_width ? kInfinity : bound.front().distance;
  };

  auto consider = [&](uint32_t node, float d) {
    if constexpr (kRestricted) {
      if (d >= worst_bound() && d >= worst_result()) return;
      frontier.push_back({d, node});
      std::push_heap(frontier.begin(), frontier.end(), CloserFirst{});
      bound.push_back({d, node});
      std::push_heap(bound.begin(), bound.end(), FartherFirst{});
      if (bound.size() > explore_width) {
        std::pop_heap(bound.begin(), bound.end(), FartherFirst{});
        bound.pop_back();
      }
      if (d < worst_result() && accept(node)) {
        results.push_back({d, node});
        std::push_heap(results.begin(), results.end(), FartherFirst{});
        if (results.size() > ef) {
          std::pop_heap(results.begin(), results.end(), FartherFirst{});
          results.pop_back();
        }
      }
    } else {
      if (d >= worst_result()) return;
      frontier.push_back({d, node});
      std::push_heap(frontier.begin(), frontier.end(), CloserFirst{});
      results.push_back({d, node});
      std::push_heap(results.begin(), results.end(), FartherFirst{});
      if (results.size() > ef) {
        std::pop_heap(results.begin(), results.end(), FartherFirst{});
        results.pop_back();
      }
    }
  };

  visited.test_and_set(entry);
  consider(entry, distance(query, vector_of<T>(source, entry)));

  while (!frontier.empty()) {
    const Candidate closest = frontier.front();
    if (closest.distance > worst_result()) break;
    if constexpr (kRestricted) {
      if (closest.distance > worst_bound()) break;
    }
    std::pop_heap(frontier.begin(), frontier.end(), CloserFirst{});
    frontier.pop_back();

    const uint32_t* list = layers.links(closest.node, level);
    const uint32_t count = list[0];
    pending.resize(count);
    pending.resize(visited.mark_unvisited(list + 1, count, pending.data()));
    if (pending.empty()) {
      if (!frontier.empty()) prefetch_links(layers, frontier.front().node, level);
      continue;
    }
    constexpr size_t kAhead = 6;
    for (size_t i = 0; i < std::min(pending.size(), kAhead); ++i)
      __builtin_prefetch(source.vector_data(pending[i]), 0, 3);
    prefetch_vector(source, pending[0], prefetch_lines);
    if (!frontier.empty()) prefetch_links(layers, frontier.front().node, level);
    // All of the batch's distances first, with no branch on their values in between, so the
    // loads of one vector overlap the arithmetic of the previous; a neighbour closer than the
    // frontier's best is the node expanded next, so its links are requested as soon as it is
    // known.
    float next_best =
        frontier.empty() ? worst_result() : std::min(frontier.front().distance, worst_result());
    distances.resize(pending.size());
    for (size_t i = 0; i < pending.size(); ++i) {
      if (i + kAhead < pending.size())
        __builtin_prefetch(source.vector_data(pending[i + kAhead]), 0, 3);
      if (i + 1 < pending.size()) prefetch_vector(source, pending[i + 1], prefetch_lines);
      const float d = distance(query, vector_of<T>(source, pending[i]));
      distances[i] = d;
      if (d < next_best) {
        next_best = d;
        prefetch_links(layers, pending[i], level);
      }
    }
    for (size_t i = 0; i < pending.size(); ++i) consider(pending[i], distances[i]);
  }
}

}  // namespace sextant::index
