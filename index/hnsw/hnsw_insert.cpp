// HnswGraph construction: level assignment, insert (safe to run on many threads at once) and the
// parallel build. The neighbour-selection heuristic is in neighbour_selection.hpp; mapping a
// graph into a compacted offset space in hnsw_renumber.cpp.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <shared_mutex>
#include <thread>

#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_graph_storage.hpp"
#include "index/hnsw/layer_search.hpp"
#include "index/hnsw/neighbour_selection.hpp"
#include "index/quantization/scalar_quantizer.hpp"

namespace sextant::index {
namespace {

using hnsw_detail::select_neighbours;
using hnsw_detail::write_links;

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
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

}  // namespace sextant::index
