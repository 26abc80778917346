// The flat HNSW image: HnswGraph::serialize writes it, HnswImageView searches it in place and
// HnswGraph::from_image copies it back into a mutable graph. Format: hnsw_image.hpp.
#include "index/hnsw/hnsw_image.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "common/crc32c.hpp"
#include "index/hnsw/hnsw_graph.hpp"
#include "index/hnsw/hnsw_graph_storage.hpp"
#include "index/hnsw/hnsw_search_driver.hpp"

namespace sextant::index {
namespace {

constexpr char kMagic[8] = {'S', 'X', 'H', 'N', 'S', 'W', '0', '1'};
constexpr uint32_t kFormatVersion = HnswImageView::kFormatVersion;

uint64_t align64(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

HnswParams params_of(const HnswImageHeader& h) {
  HnswParams p;
  p.m = h.m;
  p.ef_construct = h.ef_construct;
  p.seed = h.seed;
  p.distance = Distance(h.distance);
  p.dim = h.dim;
  p.datatype = VectorDatatype(h.datatype);
  return p;
}

uint32_t header_checksum(const HnswImageHeader& h) {
  return crc32c({reinterpret_cast<const std::byte*>(&h), offsetof(HnswImageHeader, header_crc32c)});
}

}  // namespace

// Read access for layer_search.hpp over an image. The body may not be verified yet, so no list
// is trusted (the invariant in hnsw_image.hpp): each is copied into a per-thread buffer with its
// count clamped to the level's width and the links at or past `offset_limit` left out; an upper
// level the node does not have, or whose list lies outside the upper section, reads as empty.
// The caller consumes one list before asking for the next, as layer_search.hpp does.
class HnswImageAccess {
 public:
  explicit HnswImageAccess(const HnswImageView& v)
      : v_(v), level0_stride_(1 + 2 * v.header_->m), upper_stride_(1 + v.header_->m) {}
  uint32_t capacity() const { return v_.header_->capacity; }
  const uint32_t* links(uint32_t node, int level) const {
    thread_local std::vector<uint32_t> checked;
    checked.assign(1, 0);
    const uint32_t* list = nullptr;
    size_t width = 0;
    if (level == 0) {
      list = v_.level0_ + size_t(node) * level0_stride_;
      width = level0_stride_ - 1;
    } else {
      const uint64_t at = v_.upper_at_[node];
      const uint64_t end = at + uint64_t(level) * upper_stride_;
      if (v_.levels_[node] < level || at == ~0u || end > v_.header_->upper_links_words)
        return checked.data();
      list = v_.upper_links_ + at + size_t(level - 1) * upper_stride_;
      width = upper_stride_ - 1;
    }
    const size_t count = std::min<size_t>(list[0], width);
    const uint32_t limit = v_.header_->offset_limit;
    for (size_t i = 0; i < count; ++i)
      if (list[1 + i] < limit) checked.push_back(list[1 + i]);
    checked[0] = uint32_t(checked.size() - 1);
    return checked.data();
  }
  // A hint for the walk: the raw level-0 row links() is about to copy (in bounds: node is below
  // the capacity the level-0 section was checked for).
  void prefetch_links(uint32_t node, int level) const {
    if (level != 0 || node >= v_.header_->capacity) return;
    const char* row = reinterpret_cast<const char*>(v_.level0_ + size_t(node) * level0_stride_);
    const size_t bytes = level0_stride_ * 4;
    for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(row + at, 0, 3);
    __builtin_prefetch(row + bytes - 1, 0, 3);
  }
  bool is_deleted(uint32_t node) const { return (v_.deleted_[node >> 6] >> (node & 63)) & 1; }

 private:
  const HnswImageView& v_;
  size_t level0_stride_;
  size_t upper_stride_;
};

std::vector<std::byte> HnswGraph::serialize() const {
  std::shared_lock<std::shared_mutex> lock(structure_mutex_);
  const Storage& s = *storage_;
  const HnswGraphAccess access(s);

  HnswImageHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format_version = kFormatVersion;
  h.distance = uint32_t(params_.distance);
  h.datatype = uint32_t(params_.datatype);
  h.dim = params_.dim;
  h.m = params_.m;
  h.ef_construct = params_.ef_construct;
  h.seed = params_.seed;
  h.capacity = s.capacity;
  const uint64_t entry = s.entry.load();
  h.entry_point = uint32_t(entry);
  h.max_level = int32_t(entry >> 32) - 1;
  h.points_count = points_count_.load();
  h.deleted_count = deleted_count_.load();
  h.offset_limit = s.offset_limit.load();

  std::vector<uint32_t> upper_at(s.capacity, ~0u);
  uint64_t upper_words = 0;
  for (uint32_t i = 0; i < s.capacity; ++i) {
    if (s.levels[i] > 0) {
      upper_at[i] = uint32_t(upper_words);
      upper_words += uint64_t(s.levels[i]) * s.upper_stride;
    }
  }
  h.level0_at = align64(sizeof h);
  h.levels_at = align64(h.level0_at + uint64_t(s.capacity) * s.level0_stride * 4);
  h.deleted_at = align64(h.levels_at + s.capacity);
  h.upper_at_at = align64(h.deleted_at + uint64_t(s.capacity / 64) * 8);
  h.upper_links_at = align64(h.upper_at_at + uint64_t(s.capacity) * 4);
  h.upper_links_words = upper_words;
  h.total_bytes = align64(h.upper_links_at + upper_words * 4);

  std::vector<std::byte> image(h.total_bytes);
  std::byte* out = image.data();
  if (s.capacity > 0) {
    std::memcpy(out + h.level0_at, s.level0.data(), size_t(s.capacity) * s.level0_stride * 4);
    std::memcpy(out + h.levels_at, s.levels.data(), s.capacity);
    for (uint32_t w = 0; w < s.capacity / 64; ++w) {
      const uint64_t word = s.deleted[w].load();
      std::memcpy(out + h.deleted_at + w * 8, &word, 8);
    }
    std::memcpy(out + h.upper_at_at, upper_at.data(), size_t(s.capacity) * 4);
  }
  for (uint32_t i = 0; i < s.capacity; ++i) {
    if (s.levels[i] > 0) {
      std::memcpy(out + h.upper_links_at + uint64_t(upper_at[i]) * 4, s.upper[i].get(),
                  size_t(s.levels[i]) * s.upper_stride * 4);
    }
  }
  (void)access;
  h.body_crc32c = crc32c(std::span<const std::byte>(image).subspan(sizeof h));
  h.header_crc32c = header_checksum(h);
  std::memcpy(out, &h, sizeof h);
  return image;
}

Result<HnswImageView> HnswImageView::open(std::span<const std::byte> image) {
  auto fail = [](const char* why) {
    return Error::corrupted(std::string("invalid HNSW image: ") + why);
  };
  if (reinterpret_cast<uintptr_t>(image.data()) % 8 != 0) return fail("not 8-byte aligned");
  if (image.size() < sizeof(HnswImageHeader)) return fail("truncated header");
  const auto* h = reinterpret_cast<const HnswImageHeader*>(image.data());
  if (std::memcmp(h->magic, kMagic, sizeof kMagic) != 0) return fail("bad magic");
  if (h->format_version == 1) return fail("format version 1 carries no checksum");
  if (h->format_version != kFormatVersion) return fail("unsupported format version");
  if (header_checksum(*h) != h->header_crc32c) return fail("the header fails its checksum");
  if (h->total_bytes != image.size()) return fail("size mismatch");
  if (h->m < 2 || h->m > 512 || h->capacity % 64 != 0 || h->dim == 0 || h->distance > 3 ||
      h->datatype > 2)
    return fail("bad parameters");
  const uint64_t level0_bytes = uint64_t(h->capacity) * (1 + 2 * h->m) * 4;
  if (h->level0_at < sizeof *h || h->level0_at + level0_bytes > h->levels_at ||
      h->levels_at + h->capacity > h->deleted_at ||
      h->deleted_at + uint64_t(h->capacity / 64) * 8 > h->upper_at_at ||
      h->upper_at_at + uint64_t(h->capacity) * 4 > h->upper_links_at ||
      h->upper_links_at + h->upper_links_words * 4 > h->total_bytes || h->level0_at % 64 ||
      h->levels_at % 64 || h->deleted_at % 64 || h->upper_at_at % 64 || h->upper_links_at % 64)
    return fail("sections out of bounds");
  if (h->max_level >= 0 && h->entry_point >= h->offset_limit) return fail("bad entry point");
  if (h->offset_limit > h->capacity) return fail("bad offset limit");

  HnswImageView view;
  view.params_ = params_of(*h);
  view.header_ = h;
  const std::byte* base = image.data();
  view.level0_ = reinterpret_cast<const uint32_t*>(base + h->level0_at);
  view.levels_ = reinterpret_cast<const int8_t*>(base + h->levels_at);
  view.deleted_ = reinterpret_cast<const uint64_t*>(base + h->deleted_at);
  view.upper_at_ = reinterpret_cast<const uint32_t*>(base + h->upper_at_at);
  view.upper_links_ = reinterpret_cast<const uint32_t*>(base + h->upper_links_at);
  return view;
}

Status HnswImageView::verify() const {
  const auto* base = reinterpret_cast<const std::byte*>(header_);
  const std::span<const std::byte> body(base + sizeof(HnswImageHeader),
                                        header_->total_bytes - sizeof(HnswImageHeader));
  if (crc32c(body) != header_->body_crc32c)
    return Error::corrupted("invalid HNSW image: the body fails its checksum");
  return {};
}

bool HnswImageView::contains(uint32_t offset) const {
  return offset < header_->capacity && levels_[offset] >= 0;
}

bool HnswImageView::is_deleted(uint32_t offset) const {
  return offset < header_->capacity && HnswImageAccess(*this).is_deleted(offset);
}

std::vector<ScoredOffset> HnswImageView::search(const SearchRequest& request,
                                                const VectorSource& source) const {
  GraphSnapshot graph;
  graph.entry_point = header_->entry_point;
  graph.max_level = header_->max_level;
  graph.points_count = header_->points_count;
  graph.deleted_count = header_->deleted_count;
  graph.offset_limit = header_->offset_limit;
  const HnswImageAccess access(*this);
  auto is_deleted = [&](uint32_t node) { return access.is_deleted(node); };
  return run_search_any_type(access, params_, graph, request, source, is_deleted);
}

Result<HnswGraph> HnswGraph::from_image(std::span<const std::byte> image) {
  auto view = HnswImageView::open(image);
  if (!view) return view.error();
  if (auto verified = view->verify(); !verified.ok()) return verified.error();
  const HnswImageHeader& h = *view->header_;
  HnswGraph graph(view->params_);
  Storage& s = *graph.storage_;
  if (h.capacity > 0) graph.ensure_capacity(h.capacity - 1);
  std::memcpy(s.level0.data(), view->level0_, size_t(h.capacity) * s.level0_stride * 4);
  std::memcpy(s.levels.data(), view->levels_, h.capacity);
  for (uint32_t w = 0; w < h.capacity / 64; ++w) s.deleted[w].store(view->deleted_[w]);
  for (uint32_t i = 0; i < h.capacity; ++i) {
    const int level = s.levels[i];
    if (level <= 0) continue;
    if (view->upper_at_[i] + uint64_t(level) * s.upper_stride > h.upper_links_words) {
      return Error::corrupted("invalid HNSW image: upper links out of bounds");
    }
    s.upper[i] = std::make_unique<uint32_t[]>(size_t(level) * s.upper_stride);
    std::memcpy(s.upper[i].get(), view->upper_links_ + view->upper_at_[i],
                size_t(level) * s.upper_stride * 4);
  }
  if (h.max_level >= 0) s.set_entry(h.entry_point, h.max_level);
  s.level_draws.store(h.points_count);
  s.offset_limit.store(h.offset_limit);
  graph.points_count_.store(h.points_count);
  graph.deleted_count_.store(h.deleted_count);
  return graph;
}

}  // namespace sextant::index
