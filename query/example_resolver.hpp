// Turns the examples of recommend / discover / context / relevance feedback queries into vectors
// of one named vector, as stored vectors are (unit length under Cosine, in the datatype's values).
// A multi-dense field's example is its rows, row-major (size a multiple of the dimension); a
// dense field's is one row.
//
// An example given as a point id is read from the view; its offset is remembered so the caller
// can leave the example points out of the results (Qdrant never returns an example itself).
// Errors are Qdrant's: an unknown or dead point is "not found"; a point without the vector, or a
// vector of the wrong dimension, is a bad input.
//
// The resolver borrows the view's reader and the vector's spec: both must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.hpp"
#include "query/query_plan.hpp"
#include "storage/collection_schema.hpp"
#include "storage/read_view.hpp"

namespace sextant::query {

class ExampleResolver {
 public:
  ExampleResolver(const storage::ReadView& view, const storage::DenseVectorSpec& spec,
                  size_t dense_index);

  Result<std::vector<float>> resolve(const Example& example);
  Result<std::vector<std::vector<float>>> resolve_all(const std::vector<Example>& examples);

  // Offsets of the examples given by id, in the order they were resolved.
  const std::vector<uint32_t>& excluded() const { return excluded_; }

 private:
  storage::PointReader reader_;
  const storage::DenseVectorSpec& spec_;
  size_t dense_index_;
  std::vector<uint32_t> excluded_;
};

}  // namespace sextant::query
