// Nearest search and its MMR variants: the search request built from the plan (by vector or by a
// point's vector), exact rescoring of prefetch candidates, and the two MMR placements.
#include "query/nearest.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "index/distance/distance.hpp"
#include "index/distance/metric_similarity.hpp"
#include "query/lookup.hpp"
#include "query/mmr.hpp"
#include "storage/point_filter.hpp"
#include "storage/sparse_vectors.hpp"

namespace sextant::query {
using storage::ScoredOffset;

namespace {

// The search request of a nearest query, fetching the vector from an existing point for by-id
// queries; validated against the collection's schema.
Result<storage::SearchRequest> nearest_request(const storage::ReadView& view, const QueryPlan& plan,
                                               const NearestQuery& nearest) {
  storage::SearchRequest request;
  request.vector_name = plan.using_name;
  request.filter = plan.filter;
  request.limit = plan.limit;
  request.offset = plan.offset;
  request.score_threshold = plan.score_threshold;
  request.params = plan.params;
  if (const auto* id = std::get_if<storage::PointId>(&nearest.target)) {
    // The point's vector, from the lookup collection when the plan names one.
    const ExampleSource source = example_source(view, plan);
    auto reader = source.view->reader();
    auto offset = reader.find(*id);
    if (!offset || !reader.alive(*offset)) return Error::point_not_found(id->to_string());
    const std::string& name = source.vector_name;
    std::vector<std::string> names{name};
    auto vectors = reader.vectors(*offset, &names);
    if (auto d = vectors.dense.find(name); d != vectors.dense.end())
      request.vector = d->second;
    else if (auto s = vectors.sparse.find(name); s != vectors.sparse.end())
      request.vector = s->second;
    else if (auto m = vectors.multi.find(name); m != vectors.multi.end())
      request.vector = m->second;
    else
      return Error::vector_name_not_found(name);
  } else {
    request.vector = std::get<storage::QueryVector>(nearest.target);
  }
  if (auto st = storage::validate_search(view.schema(), request); !st.ok()) return st.error();
  return request;
}

// The offset of the point a by-id query came from (none for a query by vector, or by a point of
// another collection).
std::optional<uint32_t> query_point(const storage::ReadView& view, const QueryPlan& plan,
                                    const NearestQuery& nearest) {
  const auto* id = std::get_if<storage::PointId>(&nearest.target);
  if (!id || !example_source(view, plan).excludes_examples) return std::nullopt;
  return view.reader().find(*id);
}

// Exact scores of prefetch candidates that pass the filter, best first, offset/limit applied.
Result<std::vector<ScoredOffset>> rescore(const storage::ReadView& view, const QueryPlan& plan,
                                          const NearestQuery& nearest,
                                          const std::vector<ScoredOffset>& candidates) {
  auto request = nearest_request(view, plan, nearest);
  if (!request.ok()) return request.error();
  const auto& schema = view.schema();
  auto reader = view.reader();
  std::vector<ScoredOffset> scored;
  const bool sparse = std::holds_alternative<storage::SparseVector>(request->vector);
  int index = sparse ? schema.sparse_index(plan.using_name) : schema.dense_index(plan.using_name);
  if (index < 0) return Error::vector_name_not_found(plan.using_name);
  storage::Distance distance = sparse ? storage::Distance::kDot : schema.dense[index].distance;
  // Dense and multi-dense queries are prepared as their stored vectors are; a multi-dense
  // field is scored with max_sim (a plain vector is a one-row multivector).
  std::vector<float> query;
  const storage::DenseVectorSpec* spec = sparse ? nullptr : &schema.dense[index];
  if (spec) {
    if (const auto* multi = std::get_if<storage::MultiVector>(&request->vector))
      query = multi->values;
    else
      query = std::get<std::vector<float>>(request->vector);
    storage::prepare_query_rows(*spec, query);
  }
  const auto self = query_point(view, plan, nearest);
  storage::SparseVector sparse_query;  // sorted and IDF-weighted as the sparse search does
  if (sparse) {
    const auto* corpus = plan.params.idf ? plan.params.idf->corpus.get() : nullptr;
    auto prepared = storage::prepare_sparse_query(
        view, size_t(index), std::get<storage::SparseVector>(request->vector), corpus);
    sparse_query.indices = std::move(prepared.indices);
    sparse_query.values = std::move(prepared.values);
  }
  for (const auto& candidate : candidates) {
    if (self && candidate.offset == *self) continue;
    if (plan.filter && !storage::point_matches(*plan.filter, reader, candidate.offset)) continue;
    float score = 0;
    if (sparse) {
      auto point = reader.sparse(index, candidate.offset);
      if (!point) continue;
      auto dot = storage::sparse_dot(sparse_query, *point);
      if (!dot) continue;  // no shared dimension: not a result (as the sparse search)
      score = *dot;
    } else if (spec->multivector) {
      auto point = reader.multi(index, candidate.offset);
      if (!point) continue;
      score = index::postprocess_score(
          distance, index::max_sim(distance, spec->datatype, query.data(), query.size() / spec->dim,
                                   point->values, point->rows, spec->dim));
    } else {
      auto v = reader.dense(index, candidate.offset);
      if (!v) continue;
      score = index::postprocess_score(
          distance,
          index::metric_similarity(distance, spec->datatype, query.data(), v->values, spec->dim));
    }
    if (plan.score_threshold && !storage::passes_threshold(distance, score, *plan.score_threshold))
      continue;
    scored.push_back({candidate.offset, score});
  }
  std::stable_sort(scored.begin(), scored.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return storage::better_score(distance, a.score, b.score);
  });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < scored.size() && out.size() < plan.limit; ++i)
    out.push_back(scored[i]);
  return out;
}

// A nearest query without MMR: over the prefetch candidates when there are any (first
// occurrence of each point kept), else over the collection.
Result<std::vector<ScoredOffset>> nearest_points(const storage::Collection& collection,
                                                 const storage::ReadView& view,
                                                 const QueryPlan& plan, const NearestQuery& nearest,
                                                 const PrefetchResults& candidates,
                                                 storage::ParallelPool& pool) {
  if (!candidates.empty()) {
    std::vector<ScoredOffset> merged;
    std::vector<bool> seen;
    for (const auto& list : candidates)
      for (const auto& c : list) {
        if (c.offset >= seen.size()) seen.resize(c.offset + 1, false);
        if (!seen[c.offset]) merged.push_back(c);
        seen[c.offset] = true;
      }
    return rescore(view, plan, nearest, merged);
  }
  auto request = nearest_request(view, plan, nearest);
  if (!request.ok()) return request.error();
  const auto self = query_point(view, plan, nearest);
  if (!self) return collection.search(view, request.value(), pool);
  // The point the query came from is not its own neighbour: it is left out before the page is
  // cut, so the page still holds `limit` points.
  request->offset = 0;
  request->limit = plan.offset + plan.limit + 1;
  std::vector<ScoredOffset> results = collection.search(view, request.value(), pool);
  std::erase_if(results, [&](const ScoredOffset& s) { return s.offset == *self; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < results.size() && out.size() < plan.limit; ++i)
    out.push_back(results[i]);
  return out;
}

// The plan with another limit and offset and no prefetches: the candidate stage of MMR.
QueryPlan candidate_stage(const QueryPlan& plan, size_t limit, size_t offset) {
  QueryPlan stage;
  stage.using_name = plan.using_name;
  stage.filter = plan.filter;
  stage.params = plan.params;
  stage.score_threshold = plan.score_threshold;
  stage.limit = limit;
  stage.offset = offset;
  return stage;
}

// MMR as the request's own query: the nearest `candidates_limit` points, re-ranked for
// diversity, then `offset`/`limit`.
Result<std::vector<ScoredOffset>> nearest_with_mmr(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const NearestQuery& nearest, const PrefetchResults& candidates, storage::ParallelPool& pool) {
  const MmrParams& mmr = *nearest.mmr;
  const QueryPlan stage = candidate_stage(plan, mmr.candidates_limit.value_or(plan.limit), 0);
  if (stage.limit == 0) return std::vector<ScoredOffset>{};
  auto found = nearest_points(collection, view, stage, nearest, candidates, pool);
  if (!found.ok()) return found;
  auto request = nearest_request(view, plan, nearest);
  if (!request.ok()) return request.error();
  auto ranked = rerank_with_mmr(view, plan.using_name, request->vector, mmr.diversity,
                                found.value(), plan.limit + plan.offset);
  if (!ranked.ok()) return ranked;
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < ranked->size(); ++i) out.push_back((*ranked)[i]);
  return out;
}

// MMR inside a prefetch: a leaf is a plain nearest search for `candidates_limit` points; a
// prefetch over prefetches re-ranks all their points that pass the filter.
Result<std::vector<ScoredOffset>> prefetch_with_mmr(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const NearestQuery& nearest, const PrefetchResults& candidates, storage::ParallelPool& pool) {
  const MmrParams& mmr = *nearest.mmr;
  if (plan.prefetch.empty()) {
    const QueryPlan leaf =
        candidate_stage(plan, mmr.candidates_limit.value_or(plan.limit), plan.offset);
    if (leaf.limit == 0) return std::vector<ScoredOffset>{};
    return nearest_points(collection, view, leaf, nearest, candidates, pool);
  }
  auto request = nearest_request(view, plan, nearest);
  if (!request.ok()) return request.error();
  auto reader = view.reader();
  std::vector<ScoredOffset> merged;
  std::unordered_map<uint32_t, bool> seen;
  for (const auto& list : candidates)
    for (const auto& c : list)
      if (seen.emplace(c.offset, true).second &&
          (!plan.filter || storage::point_matches(*plan.filter, reader, c.offset)))
        merged.push_back(c);
  return rerank_with_mmr(view, plan.using_name, request->vector, mmr.diversity, merged, plan.limit);
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_nearest(const storage::Collection& collection,
                                                  const storage::ReadView& view,
                                                  const QueryPlan& plan,
                                                  const NearestQuery& nearest,
                                                  const PrefetchResults& candidates,
                                                  storage::ParallelPool& pool, bool in_prefetch) {
  if (nearest.mmr && in_prefetch)
    return prefetch_with_mmr(collection, view, plan, nearest, candidates, pool);
  if (nearest.mmr) return nearest_with_mmr(collection, view, plan, nearest, candidates, pool);
  return nearest_points(collection, view, plan, nearest, candidates, pool);
}

}  // namespace sextant::query
