// The neighbour-selection heuristic and the link-list writer shared by insertion
// (hnsw_insert.cpp) and renumbering (hnsw_renumber.cpp); internal to index/hnsw/.
//
// A link list is [count, node...]: writers fill the nodes first and publish the count last with
// release order, so a concurrent reader that loads the count with acquire order sees every node
// it counts.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "index/hnsw/graph_distance.hpp"
#include "index/hnsw/layer_search.hpp"

namespace sextant::index::hnsw_detail {

// Keeps at most `max_links` of `candidates` (sorted closest first): a candidate is kept only if
// it is closer to the base node than to every candidate already kept, which spreads links over
// directions instead of bunching them in one cluster (HNSW paper, algorithm 4).
template <typename T, typename Source>
void select_neighbours(std::vector<Candidate>& candidates, size_t max_links,
                       const GraphDistance<T>& distance, const Source& source) {
  if (candidates.size() <= max_links) return;
  std::vector<Candidate> kept;
  kept.reserve(max_links);
  for (const Candidate& c : candidates) {
    if (kept.size() >= max_links) break;
    const T* vector = vector_of<T>(source, c.node);
    bool diverse = true;
    for (const Candidate& k : kept) {
      if (distance(vector, vector_of<T>(source, k.node)) < c.distance) {
        diverse = false;
        break;
      }
    }
    if (diverse) kept.push_back(c);
  }
  candidates.swap(kept);
}

inline void write_links(uint32_t* list, const std::vector<Candidate>& chosen) {
  for (size_t i = 0; i < chosen.size(); ++i) list[1 + i] = chosen[i].node;
  std::atomic_ref<uint32_t>(list[0]).store(uint32_t(chosen.size()), std::memory_order_release);
}

}  // namespace sextant::index::hnsw_detail
