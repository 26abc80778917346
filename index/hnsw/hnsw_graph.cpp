// HnswGraph: storage growth, tombstones, search and rebuild (construction is in hnsw_insert.cpp,
// the image format in hnsw_image.cpp).
#include "index/hnsw/hnsw_graph.hpp"

#include <algorithm>

#include "index/hnsw/hnsw_graph_storage.hpp"
#include "index/hnsw/hnsw_search_driver.hpp"

namespace sextant::index {

HnswGraph::HnswGraph(const HnswParams& params)
    : params_(params), storage_(std::make_unique<Storage>()) {
  storage_->level0_stride = 1 + params_.level0_links();
  storage_->upper_stride = 1 + params_.m;
}

HnswGraph::HnswGraph(HnswGraph&& other) noexcept
    : params_(other.params_),
      storage_(std::move(other.storage_)),
      points_count_(other.points_count_.load()),
      deleted_count_(other.deleted_count_.load()) {}

HnswGraph::~HnswGraph() = default;

void HnswGraph::ensure_capacity(uint32_t offset) {
  {
    std::shared_lock<std::shared_mutex> lock(structure_mutex_);
    if (offset < storage_->capacity) return;
  }
  std::unique_lock<std::shared_mutex> lock(structure_mutex_);
  Storage& s = *storage_;
  if (offset < s.capacity) return;
  uint64_t wanted = std::max<uint64_t>({uint64_t(offset) + 1, uint64_t(s.capacity) * 3 / 2, 1024});
  wanted = (wanted + 63) / 64 * 64;
  const uint32_t capacity = uint32_t(std::min<uint64_t>(wanted, uint64_t(UINT32_MAX) + 1 - 64));
  s.level0.resize(size_t(capacity) * s.level0_stride, 0);
  s.levels.resize(capacity, -1);
  s.upper.resize(capacity);
  auto deleted = std::make_unique<std::atomic<uint64_t>[]>(capacity / 64);
  for (uint32_t w = 0; w < capacity / 64; ++w)
    deleted[w].store(w < s.capacity / 64 ? s.deleted[w].load() : 0);
  s.deleted = std::move(deleted);
  s.capacity = capacity;
}

bool HnswGraph::contains(uint32_t offset) const {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  return offset < storage_->capacity && storage_->levels[offset] >= 0;
}

bool HnswGraph::is_deleted(uint32_t offset) const {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  return offset < storage_->capacity && HnswGraphAccess(*storage_).is_deleted(offset);
}

void HnswGraph::mark_deleted(uint32_t offset) {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  Storage& s = *storage_;
  if (offset >= s.capacity || s.levels[offset] < 0) return;
  const uint64_t bit = uint64_t(1) << (offset & 63);
  const uint64_t before = s.deleted[offset >> 6].fetch_or(bit);
  if (!(before & bit)) deleted_count_.fetch_add(1);
}

size_t HnswGraph::memory_bytes() const {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  const Storage& s = *storage_;
  size_t bytes = s.level0.capacity() * sizeof(uint32_t) + s.levels.capacity() +
                 s.upper.capacity() * sizeof(void*) + s.capacity / 8;
  for (uint32_t i = 0; i < s.capacity; ++i)
    if (s.levels[i] > 0) bytes += size_t(s.levels[i]) * s.upper_stride * sizeof(uint32_t);
  return bytes;
}

std::vector<ScoredOffset> HnswGraph::search(const SearchRequest& request,
                                            const VectorSource& source) const {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  const Storage& s = *storage_;
  GraphSnapshot graph;
  const uint64_t entry = s.entry.load(std::memory_order_acquire);
  graph.entry_point = uint32_t(entry);
  graph.max_level = int(entry >> 32) - 1;
  graph.points_count = points_count_.load();
  graph.deleted_count = deleted_count_.load();
  graph.offset_limit = s.offset_limit.load();
  const HnswGraphAccess access(s);
  auto is_deleted = [&](uint32_t node) { return access.is_deleted(node); };
  return run_search_any_type(access, params_, graph, request, source, is_deleted);
}

HnswGraph HnswGraph::rebuild_without_deleted(const VectorSource& source, unsigned threads,
                                             const QuantizedVectors* codes) const {
  std::vector<uint32_t> live;
  {
    std::shared_lock<std::shared_mutex> lock(structure_mutex_);
    const Storage& s = *storage_;
    const HnswGraphAccess access(s);
    for (uint32_t i = 0; i < s.capacity; ++i)
      if (s.levels[i] >= 0 && !access.is_deleted(i)) live.push_back(i);
  }
  HnswGraph rebuilt(params_);
  rebuilt.build(live, source, threads, codes);
  return rebuilt;
}

}  // namespace sextant::index
