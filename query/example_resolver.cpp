// Example resolution: an id example reads the stored vector and is remembered for exclusion; a
// vector example is checked for its dimension and normalised as stored vectors are.
#include "query/example_resolver.hpp"

#include <string>

#include "index/distance/distance.hpp"

namespace sextant::query {

ExampleResolver::ExampleResolver(const storage::ReadView& view,
                                 const storage::DenseVectorSpec& spec, size_t dense_index,
                                 const QueryPlan& plan)
    : reader_(view.reader()),
      spec_(spec),
      dense_index_(dense_index),
      source_(example_source(view, plan)),
      source_reader_(source_.view->reader()),
      source_dense_index_(source_.view->schema().dense_index(source_.vector_name)) {}

Result<std::vector<float>> ExampleResolver::resolve(const Example& example) {
  if (const auto* id = std::get_if<storage::PointId>(&example)) {
    auto offset = source_reader_.find(*id);
    if (!offset || !source_reader_.alive(*offset)) return Error::point_not_found(id->to_string());
    if (source_dense_index_ < 0 || source_.view->schema().dense[source_dense_index_].multivector)
      return Error::vector_name_not_found(source_.vector_name);
    const size_t dim = source_.view->schema().dense[source_dense_index_].dim;
    if (dim != spec_.dim) return Error::vector_dimension(spec_.dim, dim);
    const float* v = source_reader_.dense(size_t(source_dense_index_), *offset);
    if (!v) return Error::vector_name_not_found(source_.vector_name);
    std::vector<float> vector(v, v + dim);
    if (source_.excludes_examples)
      excluded_.push_back(*offset);
    else if (spec_.distance == storage::Distance::kCosine)
      index::normalize(vector.data(), dim);  // another collection's vector, stored unnormalised
    return vector;
  }
  std::vector<float> v = std::get<std::vector<float>>(example);
  if (v.size() != spec_.dim) return Error::vector_dimension(spec_.dim, v.size());
  if (spec_.distance == storage::Distance::kCosine) index::normalize(v.data(), v.size());
  return v;
}

Result<std::vector<std::vector<float>>> ExampleResolver::resolve_all(
    const std::vector<Example>& examples) {
  std::vector<std::vector<float>> out;
  for (const auto& e : examples) {
    auto v = resolve(e);
    if (!v.ok()) return v.error();
    out.push_back(std::move(v.value()));
  }
  return out;
}

}  // namespace sextant::query
