// Turns the examples of recommend / discover / context / relevance feedback queries into vectors
// of one named vector, as stored vectors are (unit length under Cosine, in the datatype's values).
// A multi-dense field's example is its rows, row-major (size a multiple of the dimension); a
// dense field's is one row.
//
// An example given as a point id is read from the view, or from the plan's `lookup_from`
// collection and vector when it has one; an example point of the queried collection has its
// offset remembered so the caller can leave it out of the results (Qdrant never returns an
// example itself, but may return a point whose id matches another collection's example).
// Errors are Qdrant's: an unknown or dead point is "not found"; a point without the vector, or a
// vector of the wrong dimension, is a bad input.
//
// The resolver borrows the view's reader and the vector's spec: both must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.hpp"
#include "query/lookup.hpp"
#include "query/query_plan.hpp"
#include "storage/collection_schema.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

class ExampleResolver {
 public:
  ExampleResolver(const storage::ReadView& view, const storage::DenseVectorSpec& spec,
                  size_t dense_index, const QueryPlan& plan);

  Result<std::vector<float>> resolve(const Example& example);
  Result<std::vector<std::vector<float>>> resolve_all(const std::vector<Example>& examples);

  // Offsets of the examples given by id, in the order they were resolved.
  const std::vector<uint32_t>& excluded() const { return excluded_; }

 private:
  storage::PointReader reader_;
  const storage::DenseVectorSpec& spec_;
  size_t dense_index_;
  // Where id examples are read: the lookup view's reader and vector index (the queried ones
  // without lookup_from); a negative index names a vector the lookup collection lacks.
  ExampleSource source_;
  storage::PointReader source_reader_;
  int source_dense_index_;
  std::vector<uint32_t> excluded_;
};

}  // namespace sextant::query
