// Distance matrix: sample, then one nearest query per sampled point restricted to the sample
// (see distance_matrix.hpp).
#include "query/distance_matrix.hpp"

#include <algorithm>

#include "query/execute_query.hpp"
#include "query/nearest.hpp"
#include "storage/missing_vector_error.hpp"

namespace sextant::query {
namespace {

using index::filter::Condition;
using index::filter::Filter;

// The user's filter and `has_vector: using`, both required.
std::shared_ptr<const Filter> with_vector_present(const DistanceMatrixRequest& request) {
  Filter filter;
  std::vector<Condition> must;
  if (request.filter) must.push_back(index::filter::FilterCondition{request.filter});
  must.push_back(index::filter::HasVectorCondition{request.using_name});
  filter.must = std::move(must);
  return std::make_shared<const Filter>(std::move(filter));
}

bool vector_exists(const storage::CollectionSchema& schema, const std::string& name) {
  return schema.find_dense(name) != nullptr || schema.find_sparse(name) != nullptr;
}

// The stored vector `name` of the point at `offset`, as a query vector.
std::optional<storage::QueryVector> stored_vector(const storage::PointReader& reader,
                                                  uint32_t offset, const std::string& name) {
  std::vector<std::string> names{name};
  auto vectors = reader.vectors(offset, &names);
  if (auto d = vectors.dense.find(name); d != vectors.dense.end()) return d->second;
  if (auto s = vectors.sparse.find(name); s != vectors.sparse.end()) return s->second;
  if (auto m = vectors.multi.find(name); m != vectors.multi.end()) return m->second;
  return std::nullopt;
}

}  // namespace

Result<DistanceMatrix> search_distance_matrix(const storage::Collection& collection,
                                              const storage::ReadView& view,
                                              const DistanceMatrixRequest& request,
                                              storage::ParallelPool& pool) {
  DistanceMatrix matrix;
  if (request.sample == 0 || request.limit == 0) return matrix;
  if (!vector_exists(view.schema(), request.using_name))
    return storage::unconfigured_vector_error(view.schema(), request.using_name);

  QueryPlan sampling;
  sampling.query = SampleRandomQuery{};
  sampling.filter = with_vector_present(request);
  sampling.limit = request.sample;
  auto sampled = execute_query(collection, view, sampling, pool);
  if (!sampled.ok()) return sampled.error();
  if (sampled->size() < 2) return matrix;

  auto reader = view.reader();
  struct Sampled {
    storage::PointId id;
    uint32_t offset;
  };
  std::vector<Sampled> points;
  for (const auto& s : sampled.value()) points.push_back({reader.id(s.offset), s.offset});
  std::sort(points.begin(), points.end(),
            [](const Sampled& a, const Sampled& b) { return a.id < b.id; });
  for (const auto& p : points) matrix.sample_ids.push_back(p.id);

  Filter among_sample;
  among_sample.must = std::vector<Condition>{index::filter::make_has_id(matrix.sample_ids)};
  auto sample_filter = std::make_shared<const Filter>(std::move(among_sample));

  // A plain dense vector scores the sample directly (the nearest stage rescoring candidates,
  // sample x sample scores); sparse and multivectors search the collection restricted to it.
  const auto* dense_spec = view.schema().find_dense(request.using_name);
  const bool rescore_sample = dense_spec != nullptr && !dense_spec->multivector;
  PrefetchResults sample_candidates(1);
  for (const auto& p : points) sample_candidates[0].push_back({p.offset, 0.0f});

  for (const auto& point : points) {
    auto vector = stored_vector(reader, point.offset, request.using_name);
    if (!vector) return Error::internal("sampled point lost its vector");
    QueryPlan nearest;
    nearest.query = NearestQuery{std::move(*vector), std::nullopt};
    nearest.using_name = request.using_name;
    nearest.limit = request.limit + 1;  // one more: the point itself is among its nearest
    Result<std::vector<storage::ScoredOffset>> hits = std::vector<storage::ScoredOffset>{};
    if (rescore_sample) {
      hits = execute_nearest(collection, view, nearest, std::get<NearestQuery>(nearest.query),
                             sample_candidates, pool, /*in_prefetch=*/false);
    } else {
      nearest.filter = sample_filter;
      hits = execute_query(collection, view, nearest, pool);
    }
    if (!hits.ok()) return hits.error();
    std::vector<MatrixNeighbour> row;
    for (const auto& hit : hits.value()) row.push_back({reader.id(hit.offset), hit.score});
    auto self = std::find_if(row.begin(), row.end(),
                             [&](const MatrixNeighbour& n) { return n.id == point.id; });
    if (self != row.end())
      row.erase(self);
    else if (row.size() == request.limit + 1)
      row.pop_back();
    matrix.nearests.push_back(std::move(row));
  }
  return matrix;
}

}  // namespace sextant::query
