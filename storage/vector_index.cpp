#include "storage/vector_index.hpp"

#include <algorithm>
#include <cstring>

#include "storage/point_filter.hpp"

namespace sextant::storage {
namespace {

constexpr size_t kInsertBatch = 1024;
constexpr size_t kQuantizerSample = 10000;
const char kImageKey[] = "image";

// The stored codes of one kind: a header (+ the quantizer state) under codes_key(), then the
// codes of offsets [c*K, (c+1)*K) under codes_chunk_key(c), K = kCodesPerChunk. A code never
// changes once written (offsets are never reused), so a persist writes only the chunks from the
// first one not yet complete on disk. Scalar codes keep the original key and header.
constexpr uint32_t kCodesPerChunk = 4096;
struct CodesHeader {
  float scale;  // scalar codes only
  uint32_t dim;
  uint32_t count;
};
constexpr CodesKind kStoredKinds[] = {CodesKind::kScalar, CodesKind::kBinary, CodesKind::kProduct,
                                      CodesKind::kTurbo};

const char* codes_prefix(CodesKind kind) {
  return kind == CodesKind::kBinary    ? "binary_codes"
         : kind == CodesKind::kProduct ? "pq_codes"
         : kind == CodesKind::kTurbo   ? "turbo_codes"
                                       : "codes";
}

index::VectorSource source_of(const ReadView& view, size_t vector_index) {
  const DenseColumn& column = view.state().dense[vector_index];
  return index::VectorSource::from_float_chunks(column.chunks ? column.chunks->data() : nullptr,
                                                column.per_chunk_shift, column.dim);
}

std::string image_key(size_t vector_index) { return kImageKey + std::to_string(vector_index); }
std::string codes_key(size_t vector_index, CodesKind kind) {
  return codes_prefix(kind) + std::to_string(vector_index);
}
std::string codes_chunk_key(size_t vector_index, CodesKind kind, uint32_t chunk) {
  return codes_key(vector_index, kind) + "/" + std::to_string(chunk);
}

// Up to kQuantizerSample offsets spread evenly over `offsets`.
std::vector<uint32_t> spread_sample(std::span<const uint32_t> offsets) {
  std::vector<uint32_t> sample;
  const size_t step = std::max<size_t>(1, offsets.size() / kQuantizerSample);
  for (size_t i = 0; i < offsets.size(); i += step) sample.push_back(offsets[i]);
  return sample;
}

// The request's page of `merged` (graph hits plus exactly scored points), best first, cut at
// the score threshold.
std::vector<ScoredOffset> best_of(std::vector<ScoredOffset> merged, Distance distance,
                                  const SearchRequest& request) {
  std::stable_sort(merged.begin(), merged.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return better_score(distance, a.score, b.score);
  });
  std::vector<ScoredOffset> results;
  for (size_t i = request.offset; i < merged.size() && results.size() < request.limit; ++i) {
    if (request.score_threshold &&
        !passes_threshold(distance, merged[i].score, *request.score_threshold))
      break;
    results.push_back(merged[i]);
  }
  return results;
}

}  // namespace

void VectorIndex::score_exactly(const PointReader& reader, uint32_t offset,
                                const SearchRequest& request, const std::vector<float>& query,
                                std::vector<ScoredOffset>& out) const {
  if (request.filter && !point_matches(*request.filter, reader, offset)) return;
  if (const float* v = reader.dense(vector_index_, offset))
    out.push_back({offset, index::score(spec_.distance, query.data(), v, spec_.dim)});
}

VectorIndex::VectorIndex(const DenseVectorSpec& spec, size_t vector_index, VacuumPolicy vacuum)
    : spec_(spec), vector_index_(vector_index), vacuum_(vacuum) {}

void VectorIndex::open_image(std::shared_ptr<const ReadView> view, MDB_dbi graph_db) {
  auto found = view->txn().get(graph_db, lmdb::as_bytes(image_key(vector_index_)));
  if (!found.ok() || !found.value()) return;
  auto bytes = *found.value();
  auto image = index::HnswImageView::open(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
  if (!image || image->params().dim != spec_.dim || image->params().distance != spec_.distance)
    return;
  std::unique_lock lock(mutex_);
  image_.emplace(*image);
  image_view_ = std::move(view);
  image_serving_ = true;
}

Status VectorIndex::load(MDB_dbi graph_db) {
  std::shared_ptr<const ReadView> view;
  {
    std::shared_lock lock(mutex_);
    view = image_view_;
  }
  if (!view) return {};
  auto found = view->txn().get(graph_db, lmdb::as_bytes(image_key(vector_index_)));
  if (!found.ok()) return found.error();
  if (!found.value()) return {};
  auto bytes = *found.value();
  // The copy is made while searches go on walking the image in place.
  auto graph = index::HnswGraph::from_image(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
  if (!graph) {
    return Error::internal("stored HNSW image is unreadable: " + graph.error().message);  // rebuilt
  }
  // Codes are read by the graph path only, which is not taken before ready_.
  Status codes = load_codes(view->txn(), graph_db);
  std::unique_lock lock(mutex_);
  graph_.emplace(std::move(*graph));
  return codes;
}

Status VectorIndex::load_codes(const lmdb::Txn& txn, MDB_dbi graph_db) {
  const CodesKind kind = VectorCodes::kind_for(spec_);
  if (kind == CodesKind::kNone) return {};
  auto found = txn.get(graph_db, lmdb::as_bytes(codes_key(vector_index_, kind)));
  if (!found.ok()) return found.error();
  if (!found.value()) return {};  // encoded again by the next catch_up
  auto bytes = *found.value();
  CodesHeader header;
  if (bytes.size() < sizeof header) return {};
  std::memcpy(&header, bytes.data(), sizeof header);
  if (header.dim != spec_.dim) return {};
  const auto state = std::as_bytes(std::span(bytes.data(), bytes.size())).subspan(sizeof header);
  // The code size follows from the quantizer: restore it without codes first.
  auto empty = VectorCodes::restore(spec_, kind, header.scale, state, {});
  if (!empty) return {};
  const size_t code_bytes = empty->code_bytes();
  std::vector<std::byte> all(size_t(header.count) * code_bytes);
  for (uint32_t chunk = 0; size_t(chunk) * kCodesPerChunk < header.count; ++chunk) {
    auto stored = txn.get(graph_db, lmdb::as_bytes(codes_chunk_key(vector_index_, kind, chunk)));
    if (!stored.ok()) return stored.error();
    const size_t begin = size_t(chunk) * kCodesPerChunk * code_bytes;
    const size_t length = std::min(all.size() - begin, size_t(kCodesPerChunk) * code_bytes);
    if (!stored.value() || stored.value()->size() != length) return {};  // encoded again
    std::memcpy(all.data() + begin, stored.value()->data(), length);
  }
  auto codes = VectorCodes::restore(spec_, kind, header.scale, state, all);
  if (!codes) return {};
  codes_ = std::move(codes);
  codes_persisted_ = header.count;
  return {};
}

Status VectorIndex::remove_stale_codes(lmdb::Txn& txn, MDB_dbi graph_db, CodesKind kept) const {
  for (CodesKind kind : kStoredKinds) {
    if (kind == kept) continue;
    auto removed = txn.del(graph_db, lmdb::as_bytes(codes_key(vector_index_, kind)));
    if (!removed.ok()) return removed.error();
    if (!removed.value()) continue;
    for (uint32_t chunk = 0;; ++chunk) {
      removed = txn.del(graph_db, lmdb::as_bytes(codes_chunk_key(vector_index_, kind, chunk)));
      if (!removed.ok()) return removed.error();
      if (!removed.value()) break;
    }
  }
  return {};
}

bool VectorIndex::wants_codes() const { return VectorCodes::kind_for(spec_) != CodesKind::kNone; }

bool VectorIndex::quantized() const {
  std::shared_lock lock(mutex_);
  return codes_ != nullptr;
}

void VectorIndex::start_codes(std::span<const uint32_t> offsets, const index::VectorSource& source,
                              unsigned threads) {
  codes_ = VectorCodes::train(spec_, source, spread_sample(offsets), threads);
  if (codes_) codes_->encode_all(offsets, source, threads);
  codes_persisted_ = 0;  // a new quantizer: every chunk is written again
}

bool VectorIndex::catch_up(const std::shared_ptr<const ReadView>& view, unsigned threads) {
  const ViewState& state = view->state();
  const DenseColumn& column = state.dense[vector_index_];
  if (!column.present || !column.chunks) return false;
  {
    std::unique_lock lock(mutex_);
    if (state.generation != generation_) adopt_generation(view);
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
  const bool codes_owed = wants_codes() && !quantized();
  if (missing.empty() && dead.empty() && !codes_owed) {
    std::unique_lock lock(mutex_);
    indexed_limit_ = state.offset_limit;
    mark_ready();
    return false;
  }
  const index::VectorSource source = source_of(*view, vector_index_);
  const bool first_build = !ready_.load();
  if (wants_codes()) {
    std::unique_lock lock(mutex_);
    if (!codes_) {
      // First codes (new index, or quantization configured after the graph was stored): train
      // on what the graph will hold and encode the offsets already in it.
      std::vector<uint32_t> held;
      for (uint32_t offset = 0; offset < state.offset_limit; ++offset)
        if (graph_->contains(offset)) held.push_back(offset);
      held.insert(held.end(), missing.begin(), missing.end());
      start_codes(held, source, threads);
    }
  }
  for (size_t begin = 0; begin < missing.size();) {
    // The first build runs unlocked from searches' point of view: they scan exactly until ready.
    const size_t batch = first_build ? missing.size() : kInsertBatch;
    const size_t end = std::min(missing.size(), begin + batch);
    const std::span<const uint32_t> offsets(missing.data() + begin, end - begin);
    std::unique_lock lock(mutex_);
    if (codes_) codes_->encode_all(offsets, source, threads);
    graph_->build(offsets, source, threads, codes_ ? codes_->link_codes() : nullptr);
    begin = end;
  }
  {
    std::unique_lock lock(mutex_);
    for (uint32_t offset : dead) graph_->mark_deleted(offset);
    indexed_limit_ = state.offset_limit;
  }
  vacuum_if_needed(source, threads);
  {
    std::unique_lock lock(mutex_);
    mark_ready();
  }
  dirty_ = true;
  return true;
}

void VectorIndex::adopt_generation(const std::shared_ptr<const ReadView>& view) {
  const uint64_t generation = view->state().generation;
  graph_.reset();
  codes_.reset();
  if (renumbered_ && renumbered_->generation == generation) {
    graph_.emplace(std::move(renumbered_->graph));
    codes_ = std::move(renumbered_->codes);
    indexed_limit_ = renumbered_->limit;
  } else {
    indexed_limit_ = 0;
    ready_ = false;  // built again; searches scan exactly meanwhile
  }
  renumbered_.reset();
  image_.reset();  // the stored image is of offset space 0 and was dropped with it
  image_view_.reset();
  image_serving_ = false;
  synced_view_ = view;
  generation_ = generation;
  codes_persisted_ = 0;  // the compaction dropped the stored codes
  dirty_ = true;
}

void VectorIndex::prepare_renumbering(const std::shared_ptr<const ReadView>& view,
                                      std::span<const uint32_t> new_to_old, uint64_t generation,
                                      unsigned threads) {
  const ViewState& state = view->state();
  const DenseColumn& column = state.dense[vector_index_];
  {
    std::unique_lock lock(mutex_);
    renumbered_.reset();
    if (!ready_.load() || !graph_ || state.generation != generation_ || !column.present ||
        !column.chunks) {
      // Nothing to carry over; the stored image (offset space 0) stops serving now, since the
      // compaction drops it.
      image_.reset();
      image_view_.reset();
      image_serving_ = false;
      return;
    }
  }
  // The renumbered space read through `view`: one vector per "chunk", new offset j pointing at
  // old offset new_to_old[j].
  const index::VectorSource old_source = source_of(*view, vector_index_);
  std::vector<const float*> table(new_to_old.size(), nullptr);
  std::vector<uint32_t> members;
  for (uint32_t j = 0; j < new_to_old.size(); ++j) {
    if (!column.present->test(new_to_old[j])) continue;
    table[j] = old_source.vector(new_to_old[j]);
    members.push_back(j);
  }
  const auto source = index::VectorSource::from_float_chunks(table.data(), 0, spec_.dim);
  std::unique_ptr<VectorCodes> codes;
  {
    std::shared_lock lock(mutex_);
    if (codes_)  // the same quantizer, codes encoded again at their new offsets
      codes = VectorCodes::restore(spec_, codes_->kind(), codes_->scale(),
                                   codes_->quantizer_state(), {});
  }
  if (codes) codes->encode_all(members, source, threads);
  // Only this (the indexing) thread changes graph_, so reading it under the shared lock lets
  // searches go on meanwhile.
  std::optional<index::HnswGraph> graph;
  {
    std::shared_lock lock(mutex_);
    graph.emplace(graph_->renumbered(new_to_old, members, source, threads,
                                     codes ? codes->link_codes() : nullptr));
  }
  std::unique_lock lock(mutex_);
  renumbered_.emplace(Renumbered{std::move(*graph), std::move(codes), generation,
                                 static_cast<uint32_t>(new_to_old.size())});
}

void VectorIndex::drop_renumbering() {
  std::unique_lock lock(mutex_);
  renumbered_.reset();
}

void VectorIndex::mark_ready() {
  ready_ = true;
  image_serving_ = false;
  image_.reset();
  image_view_.reset();  // the stored image's pages are no longer pinned
}

void VectorIndex::vacuum_if_needed(const index::VectorSource& source, unsigned threads) {
  std::optional<index::HnswGraph> rebuilt;
  {
    // Only this (the indexing) thread changes the graph, so it cannot change while the shared
    // lock lets searches go on.
    std::shared_lock lock(mutex_);
    const size_t nodes = graph_->points_count();
    const size_t deleted = graph_->deleted_count();
    if (deleted == 0 || nodes < vacuum_.min_vector_number ||
        double(deleted) <= vacuum_.deleted_threshold * double(nodes))
      return;
    rebuilt.emplace(
        graph_->rebuild_without_deleted(source, threads, codes_ ? codes_->link_codes() : nullptr));
  }
  std::unique_lock lock(mutex_);
  graph_.reset();
  graph_.emplace(std::move(*rebuilt));
}

Status VectorIndex::persist(lmdb::Env& env, MDB_dbi graph_db, uint64_t generation) {
  {
    std::shared_lock lock(mutex_);
    if (generation != generation_) return {};  // the stored state is of another offset space
  }
  if (!dirty_.exchange(false)) return {};
  std::vector<std::byte> image;
  CodesHeader header{};
  CodesKind kind = CodesKind::kNone;
  std::vector<std::byte> state;
  size_t code_bytes = 0;
  uint32_t first_chunk = 0;
  std::vector<std::byte> tail;  // codes from first_chunk's start to the end
  {
    std::shared_lock lock(mutex_);
    if (!graph_) return {};
    image = graph_->serialize();
    if (codes_) {
      kind = codes_->kind();
      header = {codes_->scale(), spec_.dim, codes_->capacity()};
      state = codes_->quantizer_state();
      code_bytes = codes_->code_bytes();
      first_chunk = codes_persisted_ / kCodesPerChunk;
      const auto all = codes_->bytes();
      tail.assign(all.begin() + std::ptrdiff_t(size_t(first_chunk) * kCodesPerChunk * code_bytes),
                  all.end());
    }
  }
  auto txn = lmdb::Txn::begin(env, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  auto key = image_key(vector_index_);
  auto st = txn->put(graph_db, lmdb::as_bytes(key),
                     lmdb::Bytes(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  if (!st.ok()) return st;
  if (!stale_codes_checked_) {
    st = remove_stale_codes(txn.value(), graph_db, kind);
    if (!st.ok()) return st;
  }
  if (header.count > 0) {
    const size_t chunk_bytes = size_t(kCodesPerChunk) * code_bytes;
    for (size_t at = 0, chunk = first_chunk; at < tail.size(); at += chunk_bytes, ++chunk) {
      const size_t length = std::min(chunk_bytes, tail.size() - at);
      st = txn->put(graph_db, lmdb::as_bytes(codes_chunk_key(vector_index_, kind, uint32_t(chunk))),
                    lmdb::Bytes(reinterpret_cast<const uint8_t*>(tail.data() + at), length));
      if (!st.ok()) return st;
    }
    std::vector<std::byte> stored_header(sizeof header);
    std::memcpy(stored_header.data(), &header, sizeof header);
    stored_header.insert(stored_header.end(), state.begin(), state.end());
    auto ckey = codes_key(vector_index_, kind);
    st = txn->put(
        graph_db, lmdb::as_bytes(ckey),
        lmdb::Bytes(reinterpret_cast<const uint8_t*>(stored_header.data()), stored_header.size()));
    if (!st.ok()) return st;
  }
  st = txn->commit();
  if (!st.ok()) return st;
  stale_codes_checked_ = true;
  if (header.count > 0) codes_persisted_ = header.count;
  return {};
}

uint64_t VectorIndex::indexed_count() const {
  if (!ready_.load()) return 0;
  std::shared_lock lock(mutex_);
  if (!graph_) return 0;
  return graph_->points_count() - graph_->deleted_count();
}

std::optional<std::vector<ScoredOffset>> VectorIndex::search(
    const ReadView& view, const SearchRequest& request, const std::vector<float>& query) const {
  const bool ready = ready_.load();
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
  graph_request.ef =
      std::max<size_t>(request.params.hnsw_ef.value_or(spec_.hnsw.ef_construct), keep);
  graph_request.alive = {state.alive->words().data(), state.alive->words().size()};
  const QuantizationSearchParams& quantization = request.params.quantization;
  graph_request.rescore = quantization.rescore;
  graph_request.oversampling = quantization.oversampling;
  if (request.filter) {
    graph_request.predicate.context = &context;
    graph_request.predicate.accepts = [](const void* ctx, uint32_t offset) {
      const auto* c = static_cast<const FilterContext*>(ctx);
      return point_matches(*c->filter, *c->reader, offset);
    };
  }

  if (!ready) return search_image(view, graph_request, request, query);

  std::vector<ScoredOffset> merged;
  std::shared_lock lock(mutex_);
  // The graph of the view's offset space: the current one (vectors read through the view it is
  // synced to), or the one prepared for a compaction (its offsets are all below the view's
  // limit and their vectors never change in that space, so the view itself serves them).
  const index::HnswGraph* graph = nullptr;
  const VectorCodes* codes = nullptr;
  const ReadView* vectors = nullptr;
  uint32_t indexed_limit = 0;
  if (graph_ && synced_view_ && state.generation == generation_) {
    graph = &*graph_;
    codes = codes_.get();
    vectors = synced_view_.get();
    indexed_limit = indexed_limit_;
  } else if (renumbered_ && state.generation == renumbered_->generation) {
    graph = &renumbered_->graph;
    codes = renumbered_->codes.get();
    vectors = &view;
    indexed_limit = renumbered_->limit;
  } else {
    return std::nullopt;
  }
  const index::VectorSource source = source_of(*vectors, vector_index_);
  if (codes && !quantization.ignore) codes->attach(graph_request);
  for (const auto& hit : graph->search(graph_request, source)) {
    if (hit.offset >= state.offset_limit) continue;
    merged.push_back({hit.offset, hit.score});
  }
  // Points of this view the graph does not hold yet (all above indexed_limit) are scored
  // exactly.
  const DenseColumn& column = state.dense[vector_index_];
  for (uint32_t offset = indexed_limit; offset < state.offset_limit; ++offset) {
    if (!state.alive->test(offset) || graph->contains(offset) || !column.present->test(offset))
      continue;
    score_exactly(reader, offset, request, query, merged);
  }
  lock.unlock();
  return best_of(std::move(merged), spec_.distance, request);
}

std::optional<std::vector<ScoredOffset>> VectorIndex::search_image(
    const ReadView& view, index::SearchRequest graph_request, const SearchRequest& request,
    const std::vector<float>& query) const {
  const ViewState& state = view.state();
  PointReader reader = view.reader();
  std::vector<ScoredOffset> merged;
  std::shared_lock lock(mutex_);
  if (!image_ || !image_view_ || ready_.load() || state.generation != generation_)
    return std::nullopt;
  const index::VectorSource source = source_of(*image_view_, vector_index_);
  for (const auto& hit : image_->search(graph_request, source)) {
    if (hit.offset >= state.offset_limit) continue;
    merged.push_back({hit.offset, hit.score});
  }
  // Live points the image does not hold (written after it was stored) are scored exactly.
  const DenseColumn& column = state.dense[vector_index_];
  state.alive->for_each(state.offset_limit, [&](uint32_t offset) {
    if (image_->contains(offset) || !column.present->test(offset)) return;
    score_exactly(reader, offset, request, query, merged);
  });
  lock.unlock();
  return best_of(std::move(merged), spec_.distance, request);
}

}  // namespace sextant::storage
