// Example queries over sparse vectors: examples resolved and IDF-weighted once, then an exact
// scan of the points carrying the vector with the kind's score (see sparse_example_queries.hpp).
#include "query/sparse_example_queries.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "storage/point_filter.hpp"
#include "storage/sparse_vectors.hpp"

namespace sextant::query {
using storage::ScoredOffset;
using storage::SparseVector;

namespace {

// Qdrant's scoring helpers of example queries (the same as the dense ones).
float fast_sigmoid(float x) { return x / (1.0f + std::fabs(x)); }
float scaled_fast_sigmoid(float x) { return 0.5f * (fast_sigmoid(x) + 1.0f); }

// The examples of one query as sorted sparse vectors of the sparse vector `using` names.
class SparseExamples {
 public:
  SparseExamples(const storage::ReadView& view, const QueryPlan& plan)
      : view_(view),
        reader_(view.reader()),
        name_(plan.using_name),
        index_(size_t(view.schema().sparse_index(plan.using_name))),
        corpus_(plan.params.idf ? plan.params.idf->corpus.get() : nullptr) {}

  // Resolves `example` and returns its slot.
  Result<size_t> add(const Example& example) {
    if (const auto* id = std::get_if<storage::PointId>(&example)) {
      auto offset = reader_.find(*id);
      if (!offset || !reader_.alive(*offset)) return Error::point_not_found(id->to_string());
      if (!reader_.has_vector(index_, true, *offset)) return Error::vector_name_not_found(name_);
      auto stored = reader_.sparse(index_, *offset);
      if (!stored) return Error::vector_name_not_found(name_);
      SparseVector v;
      v.indices.assign(stored->indices.begin(), stored->indices.end());
      v.values.assign(stored->values.begin(), stored->values.end());
      excluded_.push_back(*offset);
      vectors_.push_back(storage::sorted_by_index(v));
    } else if (const auto* sparse = std::get_if<SparseVector>(&example)) {
      vectors_.push_back(storage::sorted_by_index(*sparse));
    } else {
      return Error::bad_input("Conversion between sparse and regular vectors failed");
    }
    return vectors_.size() - 1;
  }

  Result<std::vector<size_t>> add_all(const std::vector<Example>& examples) {
    std::vector<size_t> slots;
    for (const auto& e : examples) {
      auto slot = add(e);
      if (!slot.ok()) return slot.error();
      slots.push_back(*slot);
    }
    return slots;
  }

  // Multiplies every example's weights by the IDF of its dimensions (with the idf modifier).
  void weight_by_idf() { vectors_ = storage::apply_idf(view_, index_, vectors_, corpus_); }

  const SparseVector& operator[](size_t slot) const { return vectors_[slot]; }
  const std::vector<uint32_t>& excluded() const { return excluded_; }
  size_t vector_index() const { return index_; }

 private:
  const storage::ReadView& view_;
  storage::PointReader reader_;
  std::string name_;
  size_t index_;
  const index::filter::Filter* corpus_;
  std::vector<SparseVector> vectors_;
  std::vector<uint32_t> excluded_;
};

float similarity(const SparseVector& example, const storage::SparseView& point) {
  return storage::sparse_dot(example, point).value_or(0.0f);
}

using SparseScorer = std::function<float(const storage::SparseView& point)>;

bool excluded(const std::vector<uint32_t>& offsets, uint32_t offset) {
  return std::find(offsets.begin(), offsets.end(), offset) != offsets.end();
}

// Best first (ties by ascending offset), then offset and limit.
std::vector<ScoredOffset> best_page(std::vector<ScoredOffset> scored, const QueryPlan& plan) {
  std::stable_sort(scored.begin(), scored.end(),
                   [](const ScoredOffset& a, const ScoredOffset& b) { return a.score > b.score; });
  std::vector<ScoredOffset> out;
  for (size_t i = plan.offset; i < scored.size() && out.size() < plan.limit; ++i)
    out.push_back(scored[i]);
  return out;
}

// Scores one point if it carries the vector, passes the filter and the threshold.
std::optional<float> score_point(const storage::ReadView& view, const storage::PointReader& reader,
                                 const QueryPlan& plan, size_t vector_index, uint32_t offset,
                                 const SparseScorer& scorer) {
  const auto& state = view.state();
  if (!state.alive->test(offset) || !reader.has_vector(vector_index, true, offset))
    return std::nullopt;
  if (plan.filter && !storage::point_matches(*plan.filter, reader, offset)) return std::nullopt;
  auto point = reader.sparse(vector_index, offset);
  if (!point) return std::nullopt;
  const float score = scorer(*point);
  if (plan.score_threshold && !(score > *plan.score_threshold)) return std::nullopt;
  return score;
}

// Every point carrying the vector, scored.
std::vector<ScoredOffset> scan(const storage::ReadView& view, const QueryPlan& plan,
                               const SparseExamples& examples, const SparseScorer& scorer) {
  auto reader = view.reader();
  std::vector<ScoredOffset> scored;
  for (uint32_t offset = 0; offset < view.state().offset_limit; ++offset) {
    if (excluded(examples.excluded(), offset)) continue;
    auto score = score_point(view, reader, plan, examples.vector_index(), offset, scorer);
    if (score) scored.push_back({offset, *score});
  }
  return best_page(std::move(scored), plan);
}

// The distinct prefetch candidates, scored.
std::vector<ScoredOffset> rescore(const storage::ReadView& view, const QueryPlan& plan,
                                  const SparseExamples& examples,
                                  const std::vector<std::vector<ScoredOffset>>& prefetch_results,
                                  const SparseScorer& scorer) {
  auto reader = view.reader();
  std::vector<uint32_t> seen(examples.excluded());
  std::vector<ScoredOffset> scored;
  for (const auto& list : prefetch_results)
    for (const auto& candidate : list) {
      if (excluded(seen, candidate.offset)) continue;
      seen.push_back(candidate.offset);
      auto score =
          score_point(view, reader, plan, examples.vector_index(), candidate.offset, scorer);
      if (score) scored.push_back({candidate.offset, *score});
    }
  return best_page(std::move(scored), plan);
}

// Qdrant's combine_aggregate: `op` over the union of both vectors' dimensions (0 where absent).
SparseVector combine(const SparseVector& a, const SparseVector& b,
                     const std::function<float(float, float)>& op) {
  SparseVector out;
  size_t i = 0, j = 0;
  while (i < a.indices.size() || j < b.indices.size()) {
    if (j == b.indices.size() || (i < a.indices.size() && a.indices[i] < b.indices[j])) {
      out.indices.push_back(a.indices[i]);
      out.values.push_back(op(a.values[i++], 0.0f));
    } else if (i == a.indices.size() || b.indices[j] < a.indices[i]) {
      out.indices.push_back(b.indices[j]);
      out.values.push_back(op(0.0f, b.values[j++]));
    } else {
      out.indices.push_back(a.indices[i]);
      out.values.push_back(op(a.values[i++], b.values[j++]));
    }
  }
  return out;
}

SparseVector average(const SparseExamples& examples, const std::vector<size_t>& slots) {
  SparseVector sum;
  for (size_t slot : slots) sum = combine(examples[slot], sum, std::plus<float>());
  for (auto& v : sum.values) v /= float(slots.size());
  return sum;
}

}  // namespace

bool uses_sparse_vector(const storage::ReadView& view, const QueryPlan& plan) {
  return view.schema().sparse_index(plan.using_name) >= 0;
}

Result<std::vector<ScoredOffset>> execute_sparse_recommend(const storage::Collection& collection,
                                                           const storage::ReadView& view,
                                                           const QueryPlan& plan,
                                                           const RecommendQuery& recommend,
                                                           storage::ParallelPool& pool) {
  SparseExamples examples(view, plan);
  auto positive = examples.add_all(recommend.positive);
  if (!positive.ok()) return positive.error();
  auto negative = examples.add_all(recommend.negative);
  if (!negative.ok()) return negative.error();

  if (recommend.strategy == RecommendQuery::Strategy::kAverageVector) {
    if (positive->empty())
      return Error::bad_input("Positive vectors should not be empty with `average` strategy");
    SparseVector query = average(examples, *positive);
    if (!negative->empty())
      query = combine(query, average(examples, *negative),
                      [](float pos, float neg) { return pos + pos - neg; });
    storage::SearchRequest request;
    request.vector_name = plan.using_name;
    request.vector = std::move(query);
    request.filter = plan.filter;
    request.limit = plan.limit + plan.offset + examples.excluded().size();
    request.score_threshold = plan.score_threshold;
    request.params = plan.params;
    auto found = collection.search(view, request, pool);
    std::erase_if(found,
                  [&](const ScoredOffset& s) { return excluded(examples.excluded(), s.offset); });
    std::vector<ScoredOffset> out;
    for (size_t i = plan.offset; i < found.size() && out.size() < plan.limit; ++i)
      out.push_back(found[i]);
    return out;
  }

  examples.weight_by_idf();
  SparseScorer scorer;
  if (recommend.strategy == RecommendQuery::Strategy::kBestScore) {
    scorer = [&](const storage::SparseView& v) {
      float max_positive = -INFINITY, max_negative = -INFINITY;
      for (size_t slot : *positive)
        max_positive = std::max(max_positive, similarity(examples[slot], v));
      for (size_t slot : *negative)
        max_negative = std::max(max_negative, similarity(examples[slot], v));
      return max_positive > max_negative ? scaled_fast_sigmoid(max_positive)
                                         : -scaled_fast_sigmoid(max_negative);
    };
  } else {
    scorer = [&](const storage::SparseView& v) {
      float sum = 0;
      for (size_t slot : *positive) sum += similarity(examples[slot], v);
      for (size_t slot : *negative) sum -= similarity(examples[slot], v);
      return sum;
    };
  }
  return scan(view, plan, examples, scorer);
}

Result<std::vector<ScoredOffset>> execute_sparse_discover(const storage::ReadView& view,
                                                          const QueryPlan& plan,
                                                          const DiscoverQuery& discover) {
  SparseExamples examples(view, plan);
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const auto& pair : discover.context) {
    auto p = examples.add(pair.positive);
    if (!p.ok()) return p.error();
    auto n = examples.add(pair.negative);
    if (!n.ok()) return n.error();
    pairs.emplace_back(*p, *n);
  }
  auto target = examples.add(discover.target);
  if (!target.ok()) return target.error();
  examples.weight_by_idf();
  SparseScorer scorer = [&](const storage::SparseView& v) {
    int rank = 0;
    for (const auto& [p, n] : pairs) {
      const float ps = similarity(examples[p], v), ns = similarity(examples[n], v);
      rank += ps > ns ? 1 : (ps < ns ? -1 : 0);
    }
    return float(rank) + scaled_fast_sigmoid(similarity(examples[*target], v));
  };
  return scan(view, plan, examples, scorer);
}

Result<std::vector<ScoredOffset>> execute_sparse_context(const storage::ReadView& view,
                                                         const QueryPlan& plan,
                                                         const ContextQuery& context) {
  SparseExamples examples(view, plan);
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const auto& pair : context.context) {
    auto p = examples.add(pair.positive);
    if (!p.ok()) return p.error();
    auto n = examples.add(pair.negative);
    if (!n.ok()) return n.error();
    pairs.emplace_back(*p, *n);
  }
  examples.weight_by_idf();
  SparseScorer scorer = [&](const storage::SparseView& v) {
    float sum = 0;
    for (const auto& [p, n] : pairs)
      sum += fast_sigmoid(
          std::min(similarity(examples[p], v) - similarity(examples[n], v) - 1.1920929e-07f, 0.0f));
    return sum;
  };
  return scan(view, plan, examples, scorer);
}

Result<std::vector<ScoredOffset>> execute_sparse_relevance_feedback(
    const storage::ReadView& view, const QueryPlan& plan, const RelevanceFeedbackQuery& feedback,
    const std::vector<std::vector<ScoredOffset>>& prefetch_results) {
  constexpr size_t kMaxFeedbackPairs = 3;
  SparseExamples examples(view, plan);
  auto target = examples.add(feedback.target);
  if (!target.ok()) return target.error();
  std::vector<std::pair<float, size_t>> items;
  for (const auto& item : feedback.feedback) {
    auto slot = examples.add(item.example);
    if (!slot.ok()) return slot.error();
    items.emplace_back(item.score, *slot);
  }
  examples.weight_by_idf();
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  struct Pair {
    size_t positive, negative;
    float weight;
  };
  std::vector<Pair> pairs;
  const size_t pair_count = std::min(kMaxFeedbackPairs, items.size() / 2);
  for (size_t i = 0; i < pair_count; ++i) {
    const auto& best = items[i];
    const auto& worst = items[items.size() - 1 - i];
    pairs.push_back(
        {best.second, worst.second, std::pow(best.first - worst.first, feedback.b) * feedback.c});
  }
  SparseScorer scorer = [&](const storage::SparseView& v) {
    float score = feedback.a * similarity(examples[*target], v);
    for (const auto& pair : pairs)
      score += pair.weight *
               (similarity(examples[pair.positive], v) - similarity(examples[pair.negative], v));
    return score;
  };
  if (!plan.prefetch.empty()) return rescore(view, plan, examples, prefetch_results, scorer);
  return scan(view, plan, examples, scorer);
}

}  // namespace sextant::query
