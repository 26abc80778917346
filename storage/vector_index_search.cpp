// VectorIndex searches: the graph walk (on the mutable graph, the graph prepared for an offset
// compaction, or the stored image in place after a restart), merged with an exact scan of the
// points the graph does not hold yet (vector_index.hpp states the invariants this relies on).
#include <algorithm>

#include "storage/point_filter.hpp"
#include "storage/vector_index.hpp"

namespace sextant::storage {
namespace {

// The walk on internal int8 codes widens its beam by ef / this (see VectorIndex::search).
constexpr size_t kInternalBeamWidening = 8;

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

// True when the view's `alive` bitset would accept every node of a graph whose nodes are all
// offsets below `graph_limit`: no offset of the view is dead and the graph holds none the view
// lacks. The walk then needs no liveness test per node: its unrestricted form keeps no second
// heap of explored nodes and returns the same hits (up to candidates at exactly equal distance).
bool accepts_every_node(const ViewState& state, uint32_t graph_limit) {
  return !state.shard_restricted && state.alive_count == state.offset_limit &&
         graph_limit <= state.offset_limit;
}

}  // namespace

void VectorIndex::score_exactly(const PointReader& reader, uint32_t offset,
                                const SearchRequest& request, const std::vector<float>& query,
                                std::vector<ScoredOffset>& out) const {
  if (request.filter && !point_matches(*request.filter, reader, offset)) return;
  if (auto v = reader.dense(vector_index_, offset))
    out.push_back({offset, index::score(spec_.distance, query.data(), v->values, spec_.dim)});
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
  uint32_t graph_limit = 0;  // every node of `graph` is an offset below this
  if (graph_ && synced_view_ && state.generation == generation_) {
    graph = &*graph_;
    codes = codes_.get();
    vectors = synced_view_.get();
    indexed_limit = indexed_limit_;
    graph_limit = synced_view_->state().offset_limit;
  } else if (renumbered_ && state.generation == renumbered_->generation) {
    graph = &renumbered_->graph;
    codes = renumbered_->codes.get();
    vectors = &view;
    indexed_limit = renumbered_->limit;
    graph_limit = renumbered_->limit;
  } else {
    return std::nullopt;
  }
  if (accepts_every_node(state, graph_limit)) graph_request.alive = {};
  const index::VectorSource source = source_of(*vectors, vector_index_);
  if (codes && codes->internal()) {
    // Internal codes are not the user's quantization: whatever the request's quantization
    // params, the walk runs on them with a beam an eighth wider than hnsw_ef (int8 distances
    // order a few close candidates differently) and the whole beam is rescored on float32, so
    // recall per hnsw_ef is at least the float walk's (vector_codes.hpp, docs/benchmarks.md).
    codes->attach(graph_request);
    graph_request.ef += std::max<size_t>(1, graph_request.ef / kInternalBeamWidening);
    graph_request.rescore = true;
    graph_request.oversampling =
        double(graph_request.ef) / double(std::max<size_t>(graph_request.k, 1));
  } else if (codes && !quantization.ignore) {
    codes->attach(graph_request);
  }
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
