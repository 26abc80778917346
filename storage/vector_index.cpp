// VectorIndex upkeep, on the collection's indexing thread: opening and loading the stored
// image and codes, catching up with new views, vacuum, offset-compaction renumbering, and
// persisting. Searches are in vector_index_search.cpp; the stored codes' format in
// code_chunks.cpp.
#include "storage/vector_index.hpp"

#include <algorithm>
#include <cstring>

#include "storage/code_chunks.hpp"

namespace sextant::storage {
namespace {

constexpr size_t kInsertBatch = 1024;
constexpr size_t kQuantizerSample = 10000;
const char kImageKey[] = "image";

std::string image_key(size_t vector_index) { return kImageKey + std::to_string(vector_index); }

// Up to kQuantizerSample offsets spread evenly over `offsets`.
std::vector<uint32_t> spread_sample(std::span<const uint32_t> offsets) {
  std::vector<uint32_t> sample;
  const size_t step = std::max<size_t>(1, offsets.size() / kQuantizerSample);
  for (size_t i = 0; i < offsets.size(); i += step) sample.push_back(offsets[i]);
  return sample;
}

}  // namespace

VectorIndex::VectorIndex(const DenseVectorSpec& spec, size_t vector_index, VacuumPolicy vacuum,
                         LogSink log)
    : spec_(spec), vector_index_(vector_index), vacuum_(vacuum), log_(std::move(log)) {}

index::VectorSource VectorIndex::source_of(const ReadView& view, size_t vector_index) {
  const DenseColumn& column = view.state().dense[vector_index];
  return index::VectorSource{column.chunks ? column.chunks->data() : nullptr,
                             column.per_chunk_shift, column.dim, column.datatype};
}

void VectorIndex::report(const std::string& event) const {
  if (log_) log_("vector \"" + spec_.name + "\": " + event);
}

void VectorIndex::open_image(std::shared_ptr<const ReadView> view, MDB_dbi graph_db) {
  auto found = view->txn().get(graph_db, lmdb::as_bytes(image_key(vector_index_)));
  if (!found.ok() || !found.value()) return;
  auto bytes = *found.value();
  auto image = index::HnswImageView::open(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
  if (!image) {
    report("the stored HNSW graph image is unusable (" + image.error().message +
           "); the graph is rebuilt from the stored vectors");
    return;
  }
  // An image of another configuration is rebuilt without a word: nothing is damaged.
  if (image->params().dim != spec_.dim || image->params().distance != spec_.distance ||
      image->params().datatype != spec_.datatype)
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
    report("the stored HNSW graph image is unusable (" + graph.error().message +
           "); the graph is rebuilt from the stored vectors");
    std::unique_lock lock(mutex_);
    image_.reset();  // searches scan exactly until the rebuilt graph is ready
    image_view_.reset();
    image_serving_ = false;
    return {};
  }
  // Codes are read by the graph path only, which is not taken before ready_.
  auto codes = load_codes(view->txn(), graph_db, vector_index_, spec_);
  if (codes.ok() && !codes->rejected.empty())
    report("the stored quantized codes are unusable (" + codes->rejected +
           "); they are encoded again from the stored vectors");
  std::unique_lock lock(mutex_);
  graph_.emplace(std::move(*graph));
  if (!codes.ok()) return codes.error();  // the codes are encoded again by catch_up
  if (codes->codes) {
    codes_ = std::move(codes->codes);
    codes_persisted_ = codes->count;
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
      params.datatype = spec_.datatype;
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
  std::vector<const void*> table(new_to_old.size(), nullptr);
  std::vector<uint32_t> members;
  for (uint32_t j = 0; j < new_to_old.size(); ++j) {
    if (!column.present->test(new_to_old[j])) continue;
    table[j] = old_source.vector_data(new_to_old[j]);
    members.push_back(j);
  }
  const index::VectorSource source{table.data(), 0, spec_.dim, spec_.datatype};
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

void VectorIndex::release_views() {
  std::unique_lock lock(mutex_);
  synced_view_.reset();
  image_.reset();
  image_view_.reset();
  image_serving_ = false;
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
  PendingCodes codes;
  {
    std::shared_lock lock(mutex_);
    if (!graph_) return {};
    image = graph_->serialize();
    if (codes_) codes = pending_codes(*codes_, spec_.dim, codes_persisted_);
  }
  auto txn = lmdb::Txn::begin(env, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  auto key = image_key(vector_index_);
  auto st = txn->put(graph_db, lmdb::as_bytes(key),
                     lmdb::Bytes(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  if (!st.ok()) return st;
  if (!stale_codes_checked_) {
    st = remove_codes_except(txn.value(), graph_db, vector_index_, codes.kind);
    if (!st.ok()) return st;
  }
  st = write_codes(txn.value(), graph_db, vector_index_, codes);
  if (!st.ok()) return st;
  st = txn->commit();
  if (!st.ok()) return st;
  stale_codes_checked_ = true;
  if (codes.count > 0) codes_persisted_ = codes.count;
  return {};
}

uint64_t VectorIndex::indexed_count() const {
  if (!ready_.load()) return 0;
  std::shared_lock lock(mutex_);
  if (!graph_) return 0;
  return graph_->points_count() - graph_->deleted_count();
}

}  // namespace sextant::storage
