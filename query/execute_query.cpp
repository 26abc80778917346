#include "api/query_execution.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <unordered_map>

#include "api/example_queries.hpp"
#include "api/relevance_feedback.hpp"
#include "storage/point_filter.hpp"

namespace sextant::api {
using storage::Error;
using storage::ScoredOffset;

namespace {

// The query vector of a nearest plan, fetching it from an existing point for by-id queries.
Result<storage::SearchRequest> nearest_request(const storage::ReadView& view, const QueryPlan& plan) {
  storage::SearchRequest request;
  request.vector_name = plan.using_name;
  request.filter = plan.filter;
  request.limit = plan.limit;
  request.offset = plan.offset;
  request.score_threshold = plan.score_threshold;
  request.params = plan.params;
  if (plan.by_id) {
    auto reader = view.reader();
    auto offset = reader.find(*plan.by_id);
    if (!offset || !reader.alive(*offset))
      return Error::not_found("No point with id " + plan.by_id->to_string() + " found");
    std::vector<std::string> names{plan.using_name};
    auto vectors = reader.vectors(*offset, &names);
    if (auto d = vectors.dense.find(plan.using_name); d != vectors.dense.end()) request.vector = d->second;
    else if (auto s = vectors.sparse.find(plan.using_name); s != vectors.sparse.end()) request.vector = s->second;
    else if (auto m = vectors.multi.find(plan.using_name); m != vectors.multi.end()) request.vector = m->second;
    else return Error::bad_input("Not existing vector name error: " + plan.using_name);
  } else if (plan.vector) {
    request.vector = *plan.vector;
  }
  if (auto st = storage::validate_search(view.schema(), request); !st.ok()) return st.error();
  return request;
}

Result<std::vector<ScoredOffset>> rescore(const storage::ReadView& view, const QueryPlan& plan,
                                          const std::vector<ScoredOffset>& candidates) {
  auto request = nearest_request(view, plan);
  if (!request.ok()) return request.error();
  const auto& schema = view.schema();
  auto reader = view.reader();
  std::vector<ScoredOffset> scored;
  const bool sparse = std::holds_alternative<storage::SparseVector>(request->vector);
  int index = sparse ? schema.sparse_index(plan.using_name) : schema.dense_index(plan.using_name);
  if (index < 0) return Error::bad_input("Not existing vector name error: " + plan.using_name);
  storage::Distance distance = sparse ? storage::Distance::kDot : schema.dense[index].distance;
  // Score each candidate with a one-point exact search restricted by a has_id-free loop.
  std::vector<float> query;
  if (!sparse && !schema.dense[index].multivector) {
    query = std::get<std::vector<float>>(request->vector);
    if (distance == storage::Distance::kCosine) index::normalize(query.data(), query.size());
  }
  for (const auto& candidate : candidates) {
    if (plan.filter && !storage::point_matches(*plan.filter, reader, candidate.offset)) continue;
    float score = 0;
    if (sparse) {
      auto point = reader.sparse(index, candidate.offset);
      if (!point) continue;
      const auto& q = std::get<storage::SparseVector>(request->vector);
      for (size_t i = 0; i < q.indices.size(); ++i)
        for (size_t j = 0; j < point->indices.size(); ++j)
          if (q.indices[i] == point->indices[j]) score += q.values[i] * point->values[j];
    } else if (schema.dense[index].multivector) {
      continue;  // multivector rescoring goes through exact search below
    } else {
      const float* v = reader.dense(index, candidate.offset);
      if (!v) continue;
      score = index::score(distance, query.data(), v, query.size());
    }
    if (plan.score_threshold && !storage::passes_threshold(distance, score, *plan.score_threshold))
      continue;
    scored.push_back({candidate.offset, score});
  }
  std::stable_sort(scored.begin(), scored.end(), [&](const ScoredOffset& a, const ScoredOffset& b) {
    return storage::better_score(distance, a.score, b.score);
  });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < scored.size() && out.size() < plan.limit; ++i) out.push_back(scored[i]);
  return out;
}

std::vector<ScoredOffset> fuse(const QueryPlan& plan, const std::vector<std::vector<ScoredOffset>>& lists) {
  std::unordered_map<uint32_t, double> scores;
  std::vector<uint32_t> order;
  for (const auto& list : lists) {
    if (plan.kind == QueryPlan::Kind::kFusionRrf) {
      for (size_t rank = 0; rank < list.size(); ++rank) {
        if (!scores.count(list[rank].offset)) order.push_back(list[rank].offset);
        scores[list[rank].offset] += 1.0 / double(plan.rrf_k + rank + 1);
      }
    } else {
      // Distribution-based score fusion: normalise each list by mean +- 3 sigma.
      double mean = 0, var = 0;
      for (const auto& s : list) mean += s.score;
      if (!list.empty()) mean /= double(list.size());
      for (const auto& s : list) var += (s.score - mean) * (s.score - mean);
      double sigma = list.size() > 1 ? std::sqrt(var / double(list.size() - 1)) : 0;
      double low = mean - 3 * sigma, high = mean + 3 * sigma;
      for (const auto& s : list) {
        double normalised = high > low ? (s.score - low) / (high - low) : 0.5;
        if (!scores.count(s.offset)) order.push_back(s.offset);
        scores[s.offset] += std::clamp(normalised, 0.0, 1.0);
      }
    }
  }
  std::vector<ScoredOffset> fused;
  for (uint32_t offset : order) fused.push_back({offset, static_cast<float>(scores[offset])});
  std::stable_sort(fused.begin(), fused.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < fused.size() && out.size() < plan.limit; ++i) {
    if (plan.score_threshold && fused[i].score <= *plan.score_threshold) continue;
    out.push_back(fused[i]);
  }
  return out;
}

// A nearest query: over the prefetch candidates when there are any, else over the collection.
Result<std::vector<ScoredOffset>> nearest(const storage::Collection& collection,
                                          const storage::ReadView& view, const QueryPlan& plan,
                                          const std::vector<std::vector<ScoredOffset>>& candidates,
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
    return rescore(view, plan, merged);
  }
  auto request = nearest_request(view, plan);
  if (!request.ok()) return request.error();
  std::vector<ScoredOffset> results = collection.search(view, request.value(), pool);
  if (plan.by_id) {
    // The point the query came from is not its own neighbour.
    auto reader = view.reader();
    auto self = reader.find(*plan.by_id);
    std::erase_if(results, [&](const ScoredOffset& s) { return self && s.offset == *self; });
  }
  return results;
}

// MMR: the nearest `candidates_limit` points, re-ranked for diversity, then `offset`/`limit`.
Result<std::vector<ScoredOffset>> nearest_with_mmr(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const std::vector<std::vector<ScoredOffset>>& candidates, storage::ParallelPool& pool) {
  QueryPlan stage = plan;
  stage.prefetch.clear();
  stage.mmr.reset();
  stage.limit = plan.mmr->candidates_limit.value_or(plan.limit);
  stage.offset = 0;
  if (stage.limit == 0) return std::vector<ScoredOffset>{};
  auto found = nearest(collection, view, stage, candidates, pool);
  if (!found.ok()) return found;
  auto request = nearest_request(view, plan);
  if (!request.ok()) return request.error();
  auto ranked = rerank_with_mmr(view, plan.using_name, request->vector, plan.mmr->diversity,
                                found.value(), plan.limit + plan.offset);
  if (!ranked.ok()) return ranked;
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < ranked->size(); ++i) out.push_back((*ranked)[i]);
  return out;
}

// MMR inside a prefetch, as Qdrant plans it: a leaf prefetch is a plain nearest search for
// `candidates_limit` points; a prefetch over prefetches re-ranks all their points (which keep
// the scores their prefetch gave them).
Result<std::vector<ScoredOffset>> prefetch_with_mmr(
    const storage::Collection& collection, const storage::ReadView& view, const QueryPlan& plan,
    const std::vector<std::vector<ScoredOffset>>& candidates, storage::ParallelPool& pool) {
  if (plan.prefetch.empty()) {
    QueryPlan leaf = plan;
    leaf.mmr.reset();
    leaf.limit = plan.mmr->candidates_limit.value_or(plan.limit);
    if (leaf.limit == 0) return std::vector<ScoredOffset>{};
    return nearest(collection, view, leaf, candidates, pool);
  }
  auto request = nearest_request(view, plan);
  if (!request.ok()) return request.error();
  auto reader = view.reader();
  std::vector<ScoredOffset> merged;
  std::unordered_map<uint32_t, bool> seen;
  for (const auto& list : candidates)
    for (const auto& c : list)
      if (seen.emplace(c.offset, true).second &&
          (!plan.filter || storage::point_matches(*plan.filter, reader, c.offset)))
        merged.push_back(c);
  return rerank_with_mmr(view, plan.using_name, request->vector, plan.mmr->diversity, merged,
                         plan.limit);
}

// Runs one plan; `in_prefetch` tells a prefetch from the request's own query (MMR differs).
Result<std::vector<ScoredOffset>> run_plan(const storage::Collection& collection,
                                           const storage::ReadView& view, const QueryPlan& plan,
                                           storage::ParallelPool& pool, bool in_prefetch) {
  std::vector<std::vector<ScoredOffset>> candidates;
  for (const auto& child : plan.prefetch) {
    auto result = run_plan(collection, view, child, pool, /*in_prefetch=*/true);
    if (!result.ok()) return result.error();
    candidates.push_back(std::move(result.value()));
  }
  switch (plan.kind) {
    case QueryPlan::Kind::kNearest: {
      if (plan.mmr && in_prefetch)
        return prefetch_with_mmr(collection, view, plan, candidates, pool);
      if (plan.mmr) return nearest_with_mmr(collection, view, plan, candidates, pool);
      return nearest(collection, view, plan, candidates, pool);
    }
    case QueryPlan::Kind::kFormula:
      if (plan.prefetch.empty())
        return Error::bad_input("Validation failed: cannot apply Formula without prefetches");
      return formula::rescore_with_formula(view, *plan.formula, candidates, plan.filter.get(),
                                           plan.score_threshold, plan.limit, plan.offset);
    case QueryPlan::Kind::kFusionRrf:
    case QueryPlan::Kind::kFusionDbsf:
      return fuse(plan, candidates);
    case QueryPlan::Kind::kRelevanceFeedback:
      return execute_relevance_feedback(view, plan, candidates, pool);
    case QueryPlan::Kind::kRecommend:
    case QueryPlan::Kind::kDiscover:
    case QueryPlan::Kind::kContext:
      return execute_example_query(collection, view, plan, pool);
    case QueryPlan::Kind::kOrderBy:
    case QueryPlan::Kind::kAll:
    case QueryPlan::Kind::kSampleRandom: {
      std::vector<ScoredOffset> all;
      if (!candidates.empty()) {
        for (const auto& list : candidates) all.insert(all.end(), list.begin(), list.end());
      } else {
        storage::for_each_matching(view, plan.filter.get(), [&](const storage::PointReader&, uint32_t offset) {
          all.push_back({offset, plan.kind == QueryPlan::Kind::kAll ? 1.0f : 0.0f});
        });
      }
      if (plan.kind == QueryPlan::Kind::kSampleRandom) {
        std::shuffle(all.begin(), all.end(), std::mt19937(std::random_device{}()));
      } else if (plan.kind == QueryPlan::Kind::kOrderBy) {
        storage::ScrollRequest scroll;
        scroll.filter = plan.filter;
        scroll.limit = plan.limit + plan.offset;
        scroll.order_by = plan.order_by;
        scroll.read.with_payload = false;
        auto ordered = storage::scroll(view, scroll);
        std::vector<ScoredOffset> out;
        for (size_t i = plan.offset; i < ordered.points.size(); ++i)
          out.push_back({ordered.points[i].offset, static_cast<float>(ordered.order_values[i])});
        return out;
      }
      std::vector<ScoredOffset> out;
      for (size_t i = plan.offset; i < all.size() && out.size() < plan.limit; ++i) out.push_back(all[i]);
      return out;
    }
  }
  return std::vector<ScoredOffset>{};
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_query(const storage::Collection& collection,
                                                const storage::ReadView& view, const QueryPlan& plan,
                                                storage::ParallelPool& pool) {
  return run_plan(collection, view, plan, pool, /*in_prefetch=*/false);
}

}  // namespace sextant::api
