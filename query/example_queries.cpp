#include "api/example_queries.hpp"

#include <algorithm>
#include <cmath>

#include "index/distance/distance.hpp"

namespace sextant::api {
using storage::Error;
using storage::ScoredOffset;

namespace {

float fast_sigmoid(float x) { return x / (1.0f + std::fabs(x)); }
float scaled_fast_sigmoid(float x) { return 0.5f * (fast_sigmoid(x) + 1.0f); }

// Resolves examples to vectors of the `using` vector, collecting the offsets of id examples.
class ExampleResolver {
 public:
  ExampleResolver(const storage::ReadView& view, const storage::DenseVectorSpec& spec, size_t index)
      : reader_(view.reader()), spec_(spec), index_(index) {}

  Result<std::vector<float>> resolve(const Example& example) {
    if (const auto* id = std::get_if<storage::PointId>(&example)) {
      auto offset = reader_.find(*id);
      if (!offset || !reader_.alive(*offset))
        return Error::not_found("No point with id " + id->to_string() + " found");
      const float* v = reader_.dense(index_, *offset);
      if (!v) return Error::bad_input("Not existing vector name error: " + spec_.name);
      excluded_.push_back(*offset);
      return std::vector<float>(v, v + spec_.dim);
    }
    std::vector<float> v = std::get<std::vector<float>>(example);
    if (v.size() != spec_.dim)
      return Error::bad_input("Vector dimension error: expected dim: " + std::to_string(spec_.dim) +
                              ", got " + std::to_string(v.size()));
    if (spec_.distance == storage::Distance::kCosine) index::normalize(v.data(), v.size());
    return v;
  }
  Result<std::vector<std::vector<float>>> resolve_all(const std::vector<Example>& examples) {
    std::vector<std::vector<float>> out;
    for (const auto& e : examples) {
      auto v = resolve(e);
      if (!v.ok()) return v.error();
      out.push_back(std::move(v.value()));
    }
    return out;
  }
  const std::vector<uint32_t>& excluded() const { return excluded_; }

 private:
  storage::PointReader reader_;
  const storage::DenseVectorSpec& spec_;
  size_t index_;
  std::vector<uint32_t> excluded_;
};

// Similarity with "higher is more similar" for every distance, as Qdrant's example queries use.
float similarity(storage::Distance distance, const float* a, const float* b, size_t dim) {
  float s = index::score(distance, a, b, dim);
  return index::higher_is_better(distance) ? s : -s;
}

std::vector<float> average(const std::vector<std::vector<float>>& vectors, size_t dim) {
  std::vector<float> avg(dim, 0.0f);
  for (const auto& v : vectors)
    for (size_t i = 0; i < dim; ++i) avg[i] += v[i];
  for (auto& x : avg) x /= float(std::max<size_t>(1, vectors.size()));
  return avg;
}

}  // namespace

Result<std::vector<ScoredOffset>> execute_example_query(const storage::Collection& collection,
                                                        const storage::ReadView& view,
                                                        const QueryPlan& plan,
                                                        storage::ParallelPool& pool) {
  const auto& schema = view.schema();
  const int index = schema.dense_index(plan.using_name);
  if (index < 0 || schema.dense[index].multivector)
    return Error::bad_input("Not existing vector name error: " + plan.using_name);
  const storage::DenseVectorSpec& spec = schema.dense[index];
  const size_t dim = spec.dim;
  ExampleResolver resolver(view, spec, size_t(index));
  storage::DenseScorer scorer;
  std::vector<std::vector<float>> positive, negative, targets;
  std::vector<std::pair<std::vector<float>, std::vector<float>>> pairs;

  for (const auto& pair : plan.context) {
    auto p = resolver.resolve(pair.positive);
    if (!p.ok()) return p.error();
    auto n = resolver.resolve(pair.negative);
    if (!n.ok()) return n.error();
    pairs.emplace_back(std::move(p.value()), std::move(n.value()));
  }
  const auto distance = spec.distance;
  auto sim = [distance, dim](const std::vector<float>& example, const float* v) {
    return similarity(distance, example.data(), v, dim);
  };

  if (plan.kind == QueryPlan::Kind::kRecommend) {
    auto pos = resolver.resolve_all(plan.recommend->positive);
    if (!pos.ok()) return pos.error();
    auto neg = resolver.resolve_all(plan.recommend->negative);
    if (!neg.ok()) return neg.error();
    positive = std::move(pos.value());
    negative = std::move(neg.value());
    switch (plan.recommend->strategy) {
      case RecommendSpec::Strategy::kAverageVector: {
        if (positive.empty())
          return Error::bad_request("No positive examples given: average_vector needs at least one");
        std::vector<float> query = average(positive, dim);
        if (!negative.empty()) {
          std::vector<float> avg_negative = average(negative, dim);
          for (size_t i = 0; i < dim; ++i) query[i] = query[i] + query[i] - avg_negative[i];
        }
        storage::SearchRequest request;
        request.vector_name = plan.using_name;
        request.vector = std::move(query);
        request.filter = plan.filter;
        request.limit = plan.limit + plan.offset + resolver.excluded().size();
        request.score_threshold = plan.score_threshold;
        request.params = plan.params;
        auto found = collection.search(view, request, pool);
        std::erase_if(found, [&](const ScoredOffset& s) {
          const auto& ex = resolver.excluded();
          return std::find(ex.begin(), ex.end(), s.offset) != ex.end();
        });
        std::vector<ScoredOffset> out;
        for (size_t i = plan.offset; i < found.size() && out.size() < plan.limit; ++i)
          out.push_back(found[i]);
        return out;
      }
      case RecommendSpec::Strategy::kBestScore:
        scorer = [&](const float* v) {
          float max_positive = -INFINITY, max_negative = -INFINITY;
          for (const auto& e : positive) max_positive = std::max(max_positive, sim(e, v));
          for (const auto& e : negative) max_negative = std::max(max_negative, sim(e, v));
          return max_positive > max_negative ? scaled_fast_sigmoid(max_positive)
                                             : -scaled_fast_sigmoid(max_negative);
        };
        break;
      case RecommendSpec::Strategy::kSumScores:
        scorer = [&](const float* v) {
          float sum = 0;
          for (const auto& e : positive) sum += sim(e, v);
          for (const auto& e : negative) sum -= sim(e, v);
          return sum;
        };
        break;
    }
  } else if (plan.kind == QueryPlan::Kind::kDiscover) {
    auto target = resolver.resolve(*plan.target);
    if (!target.ok()) return target.error();
    targets.push_back(std::move(target.value()));
    scorer = [&](const float* v) {
      int rank = 0;
      for (const auto& [p, n] : pairs) {
        float ps = sim(p, v), ns = sim(n, v);
        rank += ps > ns ? 1 : (ps < ns ? -1 : 0);
      }
      return float(rank) + scaled_fast_sigmoid(sim(targets[0], v));
    };
  } else {
    scorer = [&](const float* v) {
      float sum = 0;
      for (const auto& [p, n] : pairs)
        sum += fast_sigmoid(std::min(sim(p, v) - sim(n, v) - 1.1920929e-07f, 0.0f));
      return sum;
    };
  }
  return storage::exact_search_by(view, size_t(index), plan.filter.get(), plan.limit, plan.offset,
                                  plan.score_threshold, scorer, resolver.excluded(), pool);
}

}  // namespace sextant::api
