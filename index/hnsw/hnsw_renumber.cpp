// HnswGraph::renumbered: the graph of a compacted offset space derived from this one, for offset
// compaction (storage/offset_compaction.hpp). Live nodes keep their levels and links, mapped to
// their new offsets; a link to a tombstone is replaced through two hops by the selection
// heuristic and offered back; members the graph did not hold are inserted afterwards.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_graph_storage.hpp"
#include "index/hnsw/layer_search.hpp"
#include "index/hnsw/neighbour_selection.hpp"
#include "index/quantization/scalar_quantizer.hpp"

namespace sextant::index {

using hnsw_detail::select_neighbours;
using hnsw_detail::write_links;

HnswGraph HnswGraph::renumbered(std::span<const uint32_t> new_to_old,
                                std::span<const uint32_t> members, const VectorSource& source,
                                unsigned threads, const QuantizedVectors* codes) const {
  HnswGraph out(params_);
  if (members.empty()) return out;
  if (params_.datatype != VectorDatatype::kFloat32) {
    out.build(members, source, threads, codes);
    return out;
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr uint32_t kNone = ~0u;
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  const Storage& old = *storage_;
  const HnswGraphAccess old_links(old);
  // Old node -> new node, for live members this graph holds.
  std::vector<uint32_t> old_to_new(old.capacity, kNone);
  std::vector<uint32_t> kept, fresh;
  for (uint32_t j : members) {
    const uint32_t o = new_to_old[j];
    if (o < old.capacity && old.levels[o] >= 0 && !old_links.is_deleted(o)) {
      old_to_new[o] = j;
      kept.push_back(j);
    } else {
      fresh.push_back(j);
    }
  }
  out.ensure_capacity(members.back());
  Storage& s = *out.storage_;
  // Levels first, so every list below can be written without growing anything.
  int max_level = -1;
  uint32_t entry = kNone;
  for (uint32_t j : kept) {
    const int level = old.levels[new_to_old[j]];
    s.levels[j] = int8_t(level);
    if (level > 0) {
      s.upper[j] = std::make_unique<uint32_t[]>(size_t(level) * s.upper_stride);
      std::fill_n(s.upper[j].get(), size_t(level) * s.upper_stride, 0u);
    }
    if (level > max_level) max_level = level, entry = j;
  }
  const uint32_t old_entry = old.entry_point();
  if (old.max_level() >= 0 && old_entry < old.capacity && old_to_new[old_entry] != kNone &&
      old.levels[old_entry] == max_level)
    entry = old_to_new[old_entry];  // keep the old entry when it survives

  const ResolvedSource vectors(source);
  const auto distance = GraphDistance<float>::make(params_.distance, params_.dim);
  struct Added {
    uint32_t from, to;
    int level;
  };
  std::vector<Added> added;  // links a repair chose
  std::mutex added_mutex;
  std::atomic<size_t> next{0};
  auto work = [&] {
    const HnswGraphAccess new_links(s);
    std::vector<Candidate> pool;
    std::vector<uint32_t> lost;
    for (size_t i; (i = next.fetch_add(1)) < kept.size();) {
      const uint32_t j = kept[i];
      const uint32_t o = new_to_old[j];
      const float* vector = vector_of<float>(vectors, j);
      for (int level = 0; level <= old.levels[o]; ++level) {
        const uint32_t* list = old_links.links(o, level);
        uint32_t* target = const_cast<uint32_t*>(new_links.links(j, level));
        const size_t max_links = level == 0 ? params_.level0_links() : params_.m;
        pool.clear();
        lost.clear();
        for (uint32_t k = 0; k < list[0]; ++k) {
          const uint32_t mapped = old_to_new[list[1 + k]];
          if (mapped == kNone)
            lost.push_back(list[1 + k]);
          else
            pool.push_back({0.0f, mapped});
        }
        if (lost.empty()) {  // nothing to repair: the list maps as it is
          write_links(target, pool);
          continue;
        }
        // Two hops through each removed neighbour stand in for it.
        for (uint32_t removed : lost) {
          const uint32_t* through = old_links.links(removed, level);
          for (uint32_t k = 0; k < through[0]; ++k) {
            const uint32_t mapped = old_to_new[through[1 + k]];
            if (mapped == kNone || mapped == j) continue;
            bool known = false;
            for (const Candidate& c : pool) known = known || c.node == mapped;
            if (!known) pool.push_back({0.0f, mapped});
          }
        }
        for (Candidate& c : pool) c.distance = distance(vector, vector_of<float>(vectors, c.node));
        std::sort(pool.begin(), pool.end(),
                  [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
        select_neighbours(pool, max_links, distance, vectors);
        write_links(target, pool);
        // The repaired list's links are offered back (below), as an insert does, so nodes
        // whose way in went through removed nodes get one again.
        std::lock_guard<std::mutex> lock(added_mutex);
        for (const Candidate& c : pool) added.push_back({j, c.node, level});
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  structure.unlock();
  {
    const HnswGraphAccess new_links(s);
    for (const Added& edge : added) {
      uint32_t* list = const_cast<uint32_t*>(new_links.links(edge.to, edge.level));
      const size_t max_links = edge.level == 0 ? params_.level0_links() : params_.m;
      bool present = false;
      for (uint32_t k = 0; k < list[0]; ++k) present = present || list[1 + k] == edge.from;
      if (present || list[0] >= max_links) continue;
      list[1 + list[0]] = edge.from;
      list[0] += 1;
    }
  }

  if (entry != kNone) s.set_entry(entry, max_level);
  s.offset_limit = kept.empty() ? 0 : kept.back() + 1;
  s.level_draws.store(old.level_draws.load());  // later inserts draw new levels
  out.points_count_ = kept.size();
  if (!fresh.empty()) out.build(fresh, source, threads, codes);
  return out;
}

}  // namespace sextant::index
