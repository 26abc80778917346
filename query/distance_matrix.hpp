// The distance matrix (Qdrant's `search/matrix/pairs` and `/offsets`): a random sample of the
// points that pass the filter and hold the vector `using`, and for each sampled point its
// `limit` nearest among the sample, scored as a nearest query on that vector scores them.
//
// As Qdrant: the sample is sorted by point id; each row is the nearest search for `limit + 1`
// restricted to the sample, with the point itself removed (or, when it is not among the hits,
// the worst hit dropped); fewer than two sampled points give an empty matrix, as do a zero
// `sample` or `limit`. An unknown `using` is an error before anything is sampled.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "index/filter/filter.hpp"
#include "storage/collection.hpp"
#include "storage/parallel.hpp"

namespace sextant::query {

struct DistanceMatrixRequest {
  size_t sample = 10;
  size_t limit = 3;
  std::shared_ptr<const index::filter::Filter> filter;
  std::string using_name;  // "" is the default vector
};

struct MatrixNeighbour {
  storage::PointId id;
  float score = 0;
};

struct DistanceMatrix {
  std::vector<storage::PointId> sample_ids;            // ascending
  std::vector<std::vector<MatrixNeighbour>> nearests;  // one row per sampled point, best first
};

Result<DistanceMatrix> search_distance_matrix(const storage::Collection& collection,
                                              const storage::ReadView& view,
                                              const DistanceMatrixRequest& request,
                                              storage::ParallelPool& pool);

}  // namespace sextant::query
