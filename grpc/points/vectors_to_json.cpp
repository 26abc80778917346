// Vectors: protobuf vector forms -> REST JSON, REST vector output -> VectorsOutput.
#include "grpc/points/vectors_to_json.hpp"

#include <string>

#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/value_json.hpp"

// The deprecated fields clients still send are read on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

json::array floats(const google::protobuf::RepeatedField<float>& data) {
  json::array items;
  items.reserve(data.size());
  for (float f : data) items.push_back(static_cast<double>(f));
  return items;
}

json::value sparse_to_json(const qdrant::SparseVector& sparse) {
  json::array indices;
  for (auto i : sparse.indices()) indices.push_back(i);
  return json::object{{"indices", std::move(indices)}, {"values", floats(sparse.values())}};
}

json::value multi_to_json(const qdrant::MultiDenseVector& multi) {
  json::array rows;
  for (const auto& row : multi.vectors()) rows.push_back(floats(row.data()));
  return rows;
}

json::object inference_to_json(const char* field, json::value input, const std::string& model,
                               const PayloadMap& options) {
  json::object object{{field, std::move(input)}, {"model", model}};
  if (!options.empty()) object["options"] = payload_to_json(options);
  return object;
}

json::value document_to_json(const qdrant::Document& document) {
  return inference_to_json("text", json::string(document.text()), document.model(),
                           document.options());
}

json::value image_to_json(const qdrant::Image& image) {
  if (!image.has_image()) throw InvalidProto("Empty image is not allowed");
  return inference_to_json("image", value_to_json(image.image()), image.model(), image.options());
}

json::value object_to_json(const qdrant::InferenceObject& object) {
  if (!object.has_object()) throw InvalidProto("Empty object is not allowed");
  return inference_to_json("object", value_to_json(object.object()), object.model(),
                           object.options());
}

// The deprecated flat form: data (+ indices: sparse, + vectors_count: multi-dense).
json::value deprecated_vector_to_json(const qdrant::Vector& vector) {
  if (vector.has_indices()) {
    json::array indices;
    for (auto i : vector.indices().data()) indices.push_back(i);
    return json::object{{"indices", std::move(indices)}, {"values", floats(vector.data())}};
  }
  if (vector.has_vectors_count()) {
    const std::uint32_t count = vector.vectors_count();
    const auto size = static_cast<std::uint32_t>(vector.data_size());
    if (count == 0 || size == 0)
      throw InvalidProto("Empty multi-vector data with vectors count: " + std::to_string(count));
    if (size % count != 0)
      throw InvalidProto("Data length is not divisible by vectors count. Data length: " +
                         std::to_string(size) + ", vectors count: " + std::to_string(count));
    const std::uint32_t dim = size / count;
    json::array rows;
    for (std::uint32_t r = 0; r < count; ++r) {
      json::array row;
      for (std::uint32_t i = 0; i < dim; ++i)
        row.push_back(static_cast<double>(vector.data(static_cast<int>(r * dim + i))));
      rows.push_back(std::move(row));
    }
    return rows;
  }
  return floats(vector.data());
}

void fill_dense(const json::array& items, qdrant::DenseVector* dense) {
  for (const auto& item : items) dense->add_data(static_cast<float>(item.to_number<double>()));
}

void vector_output_from_json(const json::value& json, qdrant::VectorOutput* output) {
  if (json.is_object()) {
    const auto& object = json.get_object();
    auto* sparse = output->mutable_sparse();
    if (const auto* indices = object.if_contains("indices"); indices && indices->is_array())
      for (const auto& i : indices->get_array())
        sparse->add_indices(static_cast<std::uint32_t>(i.to_number<std::uint64_t>()));
    if (const auto* values = object.if_contains("values"); values && values->is_array())
      for (const auto& v : values->get_array())
        sparse->add_values(static_cast<float>(v.to_number<double>()));
    return;
  }
  if (!json.is_array()) return;
  const auto& items = json.get_array();
  if (!items.empty() && items.front().is_array()) {
    auto* multi = output->mutable_multi_dense();
    for (const auto& row : items)
      if (row.is_array()) fill_dense(row.get_array(), multi->add_vectors());
    return;
  }
  fill_dense(items, output->mutable_dense());
}

}  // namespace

json::value dense_to_json(const google::protobuf::RepeatedField<float>& data) {
  return floats(data);
}

json::value vector_to_json(const qdrant::Vector& vector) {
  switch (vector.vector_case()) {
    case qdrant::Vector::kDense:
      return floats(vector.dense().data());
    case qdrant::Vector::kSparse:
      return sparse_to_json(vector.sparse());
    case qdrant::Vector::kMultiDense:
      return multi_to_json(vector.multi_dense());
    case qdrant::Vector::kDocument:
      return document_to_json(vector.document());
    case qdrant::Vector::kImage:
      return image_to_json(vector.image());
    case qdrant::Vector::kObject:
      return object_to_json(vector.object());
    case qdrant::Vector::VECTOR_NOT_SET:
      break;
  }
  return deprecated_vector_to_json(vector);
}

json::value vectors_to_json(const qdrant::Vectors& vectors) {
  switch (vectors.vectors_options_case()) {
    case qdrant::Vectors::kVector:
      return vector_to_json(vectors.vector());
    case qdrant::Vectors::kVectors: {
      json::object named;
      for (const auto& [name, vector] : vectors.vectors().vectors())
        named[name] = vector_to_json(vector);
      return named;
    }
    case qdrant::Vectors::VECTORS_OPTIONS_NOT_SET:
      break;
  }
  throw InvalidProto("No Vector Provided");
}

json::value vector_input_to_json(const qdrant::VectorInput& input) {
  switch (input.variant_case()) {
    case qdrant::VectorInput::kId:
      return point_id_to_json(input.id());
    case qdrant::VectorInput::kDense:
      return floats(input.dense().data());
    case qdrant::VectorInput::kSparse:
      return sparse_to_json(input.sparse());
    case qdrant::VectorInput::kMultiDense:
      return multi_to_json(input.multi_dense());
    case qdrant::VectorInput::kDocument:
      return document_to_json(input.document());
    case qdrant::VectorInput::kImage:
      return image_to_json(input.image());
    case qdrant::VectorInput::kObject:
      return object_to_json(input.object());
    case qdrant::VectorInput::VARIANT_NOT_SET:
      break;
  }
  throw InvalidProto("VectorInput variant is missing");
}

void vectors_output_from_json(const json::value& json, qdrant::VectorsOutput* output) {
  if (json.is_object() && !json.get_object().contains("indices")) {
    auto* named = output->mutable_vectors()->mutable_vectors();
    for (const auto& [name, vector] : json.get_object())
      vector_output_from_json(vector, &(*named)[std::string(name)]);
    return;
  }
  vector_output_from_json(json, output->mutable_vector());
}

}  // namespace sextant::grpc_wire::points
