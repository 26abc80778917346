#include "storage/vector_index.hpp"

#include <algorithm>

#include "storage/point_filter.hpp"

namespace sextant::storage {
namespace {

constexpr size_t kInsertBatch = 1024;
const char kImageKey[] = "image";

index::VectorSource source_of(const ReadView& view, size_t vector_index) {
  const DenseColumn& column = view.state().dense[vector_index];
  return index::VectorSource::from_float_chunks(column.chunks ? column.chunks->data() : nullptr,
                                                column.per_chunk_shift, column.dim);
}

std::string image_key(size_t vector_index) { return kImageKey + std::to_string(vector_index); }

}  // namespace

VectorIndex::VectorIndex(const DenseVectorSpec& spec, size_t vector_index)
    : spec_(spec), vector_index_(vector_index) {}

Status VectorIndex::load(const lmdb::Txn& txn, MDB_dbi graph_db) {
  auto key = image_key(vector_index_);
  auto found = txn.get(graph_db, lmdb::as_bytes(key));
  if (!found.ok()) return found.error();
  if (!found.value()) return {};
  std::string error;
  auto bytes = *found.value();
  auto graph = index::HnswGraph::from_image(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()),
      &error);
  if (!graph) return Error::internal("stored HNSW image is unreadable: " + error);  // rebuilt
  std::unique_lock lock(mutex_);
  graph_.emplace(std::move(*graph));
  return {};
}

bool VectorIndex::catch_up(const std::shared_ptr<const ReadView>& view, unsigned threads) {
  const ViewState& state = view->state();
  const DenseColumn& column = state.dense[vector_index_];
  if (!column.present || !column.chunks) return false;
  {
    std::unique_lock lock(mutex_);
    if (!graph_) {
      index::HnswParams params;
      params.m = spec_.hnsw.m;
      params.ef_construct = spec_.hnsw.ef_construct;
      params.distance = spec_.distance;
      params.dim = spec_.dim;
      graph_.emplace(params);
    }
    synced_view_ = view;  // covers every offset the graph holds and is about to hold
  }
  std::vector<uint32_t> missing;
  std::vector<uint32_t> dead;
  {
    std::shared_lock lock(mutex_);
    state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
      if (column.present->test(offset) && !graph_->contains(offset)) missing.push_back(offset);
    });
    for (uint32_t offset = 0; offset < state.offset_limit; ++offset)
      if (graph_->contains(offset) && !graph_->is_deleted(offset) &&
          !(state.alive->test(offset) && column.present->test(offset)))
        dead.push_back(offset);
  }
  if (missing.empty() && dead.empty()) {
    std::unique_lock lock(mutex_);
    indexed_limit_ = state.offset_limit;
    ready_ = true;
    return false;
  }
  const index::VectorSource source = source_of(*view, vector_index_);
  const bool first_build = !ready_.load();
  for (size_t begin = 0; begin < missing.size();) {
    // The first build runs unlocked from searches' point of view: they scan exactly until ready.
    const size_t batch = first_build ? missing.size() : kInsertBatch;
    const size_t end = std::min(missing.size(), begin + batch);
    std::unique_lock lock(mutex_);
    graph_->build(std::span<const uint32_t>(missing.data() + begin, end - begin), source, threads);
    begin = end;
  }
  {
    std::unique_lock lock(mutex_);
    for (uint32_t offset : dead) graph_->mark_deleted(offset);
    indexed_limit_ = state.offset_limit;
  }
  ready_ = true;
  dirty_ = true;
  return true;
}

Status VectorIndex::persist(lmdb::Env& env, MDB_dbi graph_db) {
  if (!dirty_.exchange(false)) return {};
  std::vector<std::byte> image;
  {
    std::shared_lock lock(mutex_);
    if (!graph_) return {};
    image = graph_->serialize();
  }
  auto txn = lmdb::Txn::begin(env, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  auto key = image_key(vector_index_);
  auto st = txn->put(graph_db, lmdb::as_bytes(key),
                     lmdb::Bytes(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  if (!st.ok()) return st;
  return txn->commit();
}

uint64_t VectorIndex::indexed_count() const {
  if (!ready_.load()) return 0;
  std::shared_lock lock(mutex_);
  if (!graph_) return 0;
  return graph_->points_count() - graph_->deleted_count();
}

std::optional<std::vector<ScoredOffset>> VectorIndex::search(const ReadView& view,
                                                             const SearchRequest& request,
                                                             const std::vector<float>& query) const {
  if (!ready_.load()) return std::nullopt;
  const ViewState& state = view.state();
  const size_t keep = request.limit + request.offset;
  PointReader reader = view.reader();

  struct FilterContext {
    const index::filter::Filter* filter;
    const PointReader* reader;
  } context{request.filter.get(), &reader};

  index::SearchRequest graph_request;
  graph_request.query = query.data();
  graph_request.k = keep;
  graph_request.ef = std::max<size_t>(request.params.hnsw_ef.value_or(spec_.hnsw.ef_construct), keep);
  graph_request.alive = {state.alive->words().data(), state.alive->words().size()};
  if (request.filter) {
    graph_request.predicate.context = &context;
    graph_request.predicate.accepts = [](const void* ctx, uint32_t offset) {
      const auto* c = static_cast<const FilterContext*>(ctx);
      return point_matches(*c->filter, *c->reader, offset);
    };
  }

  std::vector<ScoredOffset> merged;
  std::shared_lock lock(mutex_);
  if (!graph_ || !synced_view_) return std::nullopt;
  const index::VectorSource source = source_of(*synced_view_, vector_index_);
  for (const auto& hit : graph_->search(graph_request, source)) {
    if (hit.offset >= state.offset_limit) continue;
    merged.push_back({hit.offset, hit.score});
  }
  // Points of this view the graph does not hold yet (all above indexed_limit_) are scored
  // exactly.
  const DenseColumn& column = state.dense[vector_index_];
  for (uint32_t offset = indexed_limit_; offset < state.offset_limit; ++offset) {
    if (!state.alive->test(offset) || graph_->contains(offset) || !column.present->test(offset))
      continue;
    if (request.filter && !point_matches(*request.filter, reader, offset)) continue;
    const float* v = reader.dense(vector_index_, offset);
    if (v) merged.push_back({offset, index::score(spec_.distance, query.data(), v, spec_.dim)});
  }
  lock.unlock();

  std::stable_sort(merged.begin(), merged.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return better_score(spec_.distance, a.score, b.score);
  });
  std::vector<ScoredOffset> results;
  for (size_t i = request.offset; i < merged.size() && results.size() < request.limit; ++i) {
    if (request.score_threshold &&
        !passes_threshold(spec_.distance, merged[i].score, *request.score_threshold))
      break;
    results.push_back(merged[i]);
  }
  return results;
}

}  // namespace sextant::storage
