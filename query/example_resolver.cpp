// Example resolution: an id example reads the stored vector (or a multivector's rows) and is
// remembered for exclusion; a vector example is checked for its dimension and prepared as stored
// vectors are (normalised under Cosine, converted to the datatype).
#include "query/example_resolver.hpp"

#include <string>

#include "index/distance/distance.hpp"
#include "storage/vector_search.hpp"

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
    if (source_dense_index_ < 0) return Error::vector_name_not_found(source_.vector_name);
    const storage::DenseVectorSpec& source_spec =
        source_.view->schema().dense[size_t(source_dense_index_)];
    if (source_spec.dim != spec_.dim) return Error::vector_dimension(spec_.dim, source_spec.dim);
    std::vector<float> rows;
    if (source_spec.multivector) {
      auto stored = source_reader_.multi(size_t(source_dense_index_), *offset);
      if (!stored) return Error::vector_name_not_found(source_.vector_name);
      rows.assign(stored->values, stored->values + size_t(stored->rows) * spec_.dim);
    } else {
      auto v = source_reader_.dense(size_t(source_dense_index_), *offset);
      if (!v) return Error::vector_name_not_found(source_.vector_name);
      rows.assign(v->values, v->values + spec_.dim);
    }
    if (!spec_.multivector && rows.size() != spec_.dim)
      return Error::bad_input("Wrong vector type: expected dense vector, got multi-vector");
    if (source_.excludes_examples)
      excluded_.push_back(*offset);
    else
      storage::prepare_query_rows(spec_, rows);  // another collection's vector, prepared as ours
    return rows;
  }
  if (std::holds_alternative<storage::SparseVector>(example))
    return Error::bad_input("Conversion between sparse and regular vectors failed");
  std::vector<float> rows;
  if (const auto* multi = std::get_if<storage::MultiVector>(&example)) {
    if (!spec_.multivector && multi->rows() != 1)
      return Error::bad_input("Wrong vector type: expected dense vector, got multi-vector");
    if (multi->dim != spec_.dim) return Error::vector_dimension(spec_.dim, multi->dim);
    rows = multi->values;
  } else {
    rows = std::get<std::vector<float>>(example);
    if (rows.size() != spec_.dim) return Error::vector_dimension(spec_.dim, rows.size());
  }
  storage::prepare_query_rows(spec_, rows);
  return rows;
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
