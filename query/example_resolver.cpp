// Example resolution: an id example reads the stored vector and is remembered for exclusion; a
// vector example is checked for its dimension and normalised as stored vectors are.
#include "query/example_resolver.hpp"

#include <string>

#include "index/distance/distance.hpp"

namespace sextant::query {

ExampleResolver::ExampleResolver(const storage::ReadView& view,
                                 const storage::DenseVectorSpec& spec, size_t dense_index)
    : reader_(view.reader()), spec_(spec), dense_index_(dense_index) {}

Result<std::vector<float>> ExampleResolver::resolve(const Example& example) {
  if (const auto* id = std::get_if<storage::PointId>(&example)) {
    auto offset = reader_.find(*id);
    if (!offset || !reader_.alive(*offset)) return Error::point_not_found(id->to_string());
    const float* v = reader_.dense(dense_index_, *offset);
    if (!v) return Error::vector_name_not_found(spec_.name);
    excluded_.push_back(*offset);
    return std::vector<float>(v, v + spec_.dim);
  }
  if (std::holds_alternative<storage::SparseVector>(example))
    return Error::bad_input("Conversion between sparse and regular vectors failed");
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
