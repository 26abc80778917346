// HnswGraph construction: level assignment, the neighbour-selection heuristic, insert (safe to run
// on many threads at once) and the parallel build.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <shared_mutex>
#include <thread>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_graph_storage.hpp"
#include "index/hnsw/layer_search.hpp"
#include "index/quantization/scalar_quantizer.hpp"

namespace sextant::index {
namespace {

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

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

void write_links(uint32_t* list, const std::vector<Candidate>& chosen) {
  for (size_t i = 0; i < chosen.size(); ++i) list[1 + i] = chosen[i].node;
  std::atomic_ref<uint32_t>(list[0]).store(uint32_t(chosen.size()), std::memory_order_release);
}

// Inserts one node, measuring distances on `Source` vectors of type T: the full vectors
// (ResolvedSource) or int8 codes (QuantizedVectors, a faster build).
template <typename T, typename Source>
class Inserter {
 public:
  Inserter(HnswGraph::Storage& storage, const HnswParams& params, const Source& source,
           const GraphDistance<T>& distance)
      : s_(storage), params_(params), source_(source), access_(storage), distance_(distance) {}

  void insert(uint32_t node, int level) {
    const T* vector = vector_of<T>(source_, node);
    std::unique_lock<std::mutex> entry_lock(s_.entry_mutex);
    const int max_level = s_.max_level();
    if (max_level < 0) {  // first node
      s_.set_entry(node, level);
      return;
    }
    if (level <= max_level) entry_lock.unlock();  // keep it only if we become the new entry
    uint32_t entry = s_.entry_point();

    if (max_level > level) {
      entry = greedy_descend(locked_access_, distance_, vector, source_, entry, max_level, level);
    }
    std::vector<Candidate> found;
    for (int l = std::min(level, max_level); l >= 0; --l) {
      search_layer<false>(locked_access_, distance_, vector, source_, entry, l,
                          params_.ef_construct, params_.ef_construct, AcceptAll{},
                          thread_local_visited_set(), thread_local_search_scratch(), found);
      std::sort(found.begin(), found.end(),
                [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
      entry = found.front().node;
      select_neighbours(found, params_.m, distance_, source_);
      const size_t max_links = l == 0 ? params_.level0_links() : params_.m;
      write_own_links(node, vector, l, found, max_links);
      for (const Candidate& c : found) link_back(c.node, node, c.distance, l, max_links);
    }
    if (level > max_level) s_.set_entry(node, level);
  }

 private:
  struct AcceptAll {
    bool operator()(uint32_t) const { return true; }
  };

  // Reads a node's links under its lock, into a thread-local copy, so a concurrent writer never
  // shows a half-written list to the construction walk.
  struct LockedAccess {
    HnswGraph::Storage& s;
    HnswGraphAccess access;
    uint32_t capacity() const { return s.capacity; }
    const uint32_t* links(uint32_t node, int level) const {
      thread_local std::vector<uint32_t> copy;
      const uint32_t* list = access.links(node, level);
      std::lock_guard<std::mutex> lock(s.lock_of(node));
      copy.assign(list, list + 1 + list[0]);
      return copy.data();
    }
  };

  // Writes the new node's list at `level`. Another insert may already have linked itself here:
  // its search can reach this node through a level above before this level is written, find
  // only it, and link back to it. Those links are kept (re-selected with the heuristic when
  // the list overflows), or that node could be left with no way in at this level.
  void write_own_links(uint32_t node, const T* vector, int level, std::vector<Candidate>& chosen,
                       size_t max_links) {
    std::lock_guard<std::mutex> lock(s_.lock_of(node));
    uint32_t* list = const_cast<uint32_t*>(access_.links(node, level));
    const uint32_t present = list[0];
    for (uint32_t i = 0; i < present; ++i) {
      const uint32_t other = list[1 + i];
      bool known = false;
      for (const Candidate& c : chosen) known = known || c.node == other;
      if (!known) chosen.push_back({distance_(vector, vector_of<T>(source_, other)), other});
    }
    if (present > 0) {
      std::sort(chosen.begin(), chosen.end(),
                [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
      select_neighbours(chosen, max_links, distance_, source_);
    }
    write_links(list, chosen);
  }

  // Adds `node` to `neighbour`'s list at `level`; a full list is re-selected with the heuristic.
  void link_back(uint32_t neighbour, uint32_t node, float d, int level, size_t max_links) {
    std::lock_guard<std::mutex> lock(s_.lock_of(neighbour));
    uint32_t* list = const_cast<uint32_t*>(access_.links(neighbour, level));
    const uint32_t count = list[0];
    for (uint32_t i = 0; i < count; ++i)
      if (list[1 + i] == node) return;
    if (count < max_links) {
      list[1 + count] = node;
      std::atomic_ref<uint32_t>(list[0]).store(count + 1, std::memory_order_release);
      return;
    }
    const T* base = vector_of<T>(source_, neighbour);
    std::vector<Candidate> pool;
    pool.reserve(count + 1);
    pool.push_back({d, node});
    for (uint32_t i = 0; i < count; ++i)
      pool.push_back({distance_(base, vector_of<T>(source_, list[1 + i])), list[1 + i]});
    std::sort(pool.begin(), pool.end(),
              [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
    select_neighbours(pool, max_links, distance_, source_);
    write_links(list, pool);
  }

  HnswGraph::Storage& s_;
  const HnswParams& params_;
  const Source& source_;
  HnswGraphAccess access_;
  LockedAccess locked_access_{s_, HnswGraphAccess(s_)};
  GraphDistance<T> distance_;
};

}  // namespace

int HnswGraph::random_level() {
  const uint64_t draw = storage_->level_draws.fetch_add(1);
  const double uniform = double((mix64(params_.seed ^ mix64(draw)) >> 11) + 1) * 0x1.0p-53;
  const double level = -std::log(uniform) / std::log(double(std::max<uint32_t>(params_.m, 2)));
  return std::min(int(level), 60);
}

void HnswGraph::insert(uint32_t offset, const VectorSource& source, const QuantizedVectors* codes) {
  ensure_capacity(offset);
  const int level = random_level();
  std::shared_lock<std::shared_mutex> structure(structure_mutex_);
  Storage& s = *storage_;
  if (s.levels[offset] >= 0) return;
  if (level > 0) {
    s.upper[offset] = std::make_unique<uint32_t[]>(size_t(level) * s.upper_stride);
    std::fill_n(s.upper[offset].get(), size_t(level) * s.upper_stride, 0u);
  }
  std::fill_n(s.level0.data() + size_t(offset) * s.level0_stride, s.level0_stride, 0u);
  s.levels[offset] = int8_t(level);
  for (uint32_t limit = s.offset_limit.load(); limit < offset + 1;)
    s.offset_limit.compare_exchange_weak(limit, offset + 1);
  const ResolvedSource vectors(source);
  if (codes != nullptr && params_.datatype == VectorDatatype::kFloat32 &&
      GraphDistance<int8_t>::supports(params_.distance) && codes->dim() == params_.dim &&
      offset < codes->capacity()) {
    const auto distance =
        GraphDistance<int8_t>::make(params_.distance, params_.dim, codes->quantizer().scale());
    Inserter<int8_t, QuantizedVectors>(s, params_, *codes, distance).insert(offset, level);
  } else {
    switch (params_.datatype) {
      case VectorDatatype::kFloat32:
        Inserter<float, ResolvedSource>(s, params_, vectors,
                                        GraphDistance<float>::make(params_.distance, params_.dim))
            .insert(offset, level);
        break;
      case VectorDatatype::kFloat16:
        Inserter<uint16_t, ResolvedSource>(
            s, params_, vectors, GraphDistance<uint16_t>::make(params_.distance, params_.dim))
            .insert(offset, level);
        break;
      case VectorDatatype::kUint8:
        Inserter<uint8_t, ResolvedSource>(
            s, params_, vectors, GraphDistance<uint8_t>::make(params_.distance, params_.dim))
            .insert(offset, level);
        break;
    }
  }
  points_count_.fetch_add(1);
}

void HnswGraph::build(std::span<const uint32_t> offsets, const VectorSource& source,
                      unsigned threads, const QuantizedVectors* codes) {
  if (offsets.empty()) return;
  ensure_capacity(*std::max_element(offsets.begin(), offsets.end()));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  insert(offsets[0], source, codes);
  std::atomic<size_t> next{1};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < offsets.size();) insert(offsets[i], source, codes);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
}

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
          if (mapped == kNone) lost.push_back(list[1 + k]);
          else pool.push_back({0.0f, mapped});
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
