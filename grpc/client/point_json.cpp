// Points between REST JSON and protobuf, in the client's direction (see point_json.hpp).
#include "grpc/client/point_json.hpp"

#include <boost/json.hpp>

#include "grpc/points/value_json.hpp"
#include "grpc/proto_json_rules.hpp"

// The deprecated flat vector form is read on purpose (older servers answer with it).
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::client {

namespace json = boost::json;

namespace {

bool add_floats(const json::array& items, google::protobuf::RepeatedField<float>* out,
                std::string* error) {
  out->Reserve(static_cast<int>(items.size()));
  for (const auto& item : items) {
    if (!item.is_number()) {
      *error = "a vector element is not a number";
      return false;
    }
    out->Add(static_cast<float>(item.to_number<double>()));
  }
  return true;
}

bool sparse_from_json(const json::object& object, qdrant::SparseVector* sparse,
                      std::string* error) {
  const json::value* indices = object.if_contains("indices");
  const json::value* values = object.if_contains("values");
  if (!indices || !values || !indices->is_array() || !values->is_array()) {
    *error = "a sparse vector needs the arrays indices and values";
    return false;
  }
  for (const auto& index : indices->as_array()) {
    if (!index.is_number()) {
      *error = "a sparse vector index is not a number";
      return false;
    }
    sparse->add_indices(static_cast<uint32_t>(index.to_number<uint64_t>()));
  }
  return add_floats(values->as_array(), sparse->mutable_values(), error);
}

bool multi_from_json(const json::array& rows, qdrant::MultiDenseVector* multi, std::string* error) {
  for (const auto& row : rows) {
    if (!row.is_array()) {
      *error = "a multi-vector row is not an array";
      return false;
    }
    if (!add_floats(row.as_array(), multi->add_vectors()->mutable_data(), error)) return false;
  }
  return true;
}

// Fills the `vector` oneof of Vector or VectorInput (dense, sparse, multi_dense).
template <typename Message>
bool one_vector_from_json(const json::value& json, Message* message, std::string* error) {
  if (json.is_object()) return sparse_from_json(json.as_object(), message->mutable_sparse(), error);
  if (!json.is_array()) {
    *error = "a vector is neither an array nor a sparse object";
    return false;
  }
  const json::array& items = json.as_array();
  if (!items.empty() && items.front().is_array())
    return multi_from_json(items, message->mutable_multi_dense(), error);
  return add_floats(items, message->mutable_dense()->mutable_data(), error);
}

json::array floats_to_json(const google::protobuf::RepeatedField<float>& data) {
  json::array items;
  items.reserve(static_cast<size_t>(data.size()));
  for (float value : data) items.push_back(proto_json_rules::float_as_written(value));
  return items;
}

json::value sparse_to_json(const google::protobuf::RepeatedField<uint32_t>& indices,
                           const google::protobuf::RepeatedField<float>& values) {
  json::array index_items;
  for (uint32_t index : indices) index_items.push_back(index);
  return json::object{{"indices", std::move(index_items)}, {"values", floats_to_json(values)}};
}

json::value vector_output_to_json(const qdrant::VectorOutput& vector) {
  switch (vector.vector_case()) {
    case qdrant::VectorOutput::kDense:
      return floats_to_json(vector.dense().data());
    case qdrant::VectorOutput::kSparse:
      return sparse_to_json(vector.sparse().indices(), vector.sparse().values());
    case qdrant::VectorOutput::kMultiDense: {
      json::array rows;
      for (const auto& row : vector.multi_dense().vectors())
        rows.push_back(floats_to_json(row.data()));
      return rows;
    }
    case qdrant::VectorOutput::VECTOR_NOT_SET:
      break;
  }
  if (vector.has_indices()) return sparse_to_json(vector.indices().data(), vector.data());
  if (vector.has_vectors_count() && vector.vectors_count() > 0) {
    const int count = static_cast<int>(vector.vectors_count());
    const int dimension = vector.data_size() / count;
    json::array rows;
    for (int row = 0; row < count; ++row) {
      json::array items;
      for (int i = 0; i < dimension; ++i)
        items.push_back(proto_json_rules::float_as_written(vector.data(row * dimension + i)));
      rows.push_back(std::move(items));
    }
    return rows;
  }
  return floats_to_json(vector.data());
}

// The parts RetrievedPoint and ScoredPoint share.
template <typename Point>
json::object point_to_json(const Point& point) {
  json::object object{{"id", points::point_id_to_json(point.id())}};
  if (!point.payload().empty()) object["payload"] = points::payload_to_json(point.payload());
  if (point.has_vectors()) object["vector"] = vectors_output_to_json(point.vectors());
  if (point.has_shard_key()) object["shard_key"] = points::shard_key_to_json(point.shard_key());
  return object;
}

}  // namespace

bool vectors_from_json(const json::value& json, qdrant::Vectors* vectors, std::string* error) {
  if (json.is_object() && !json.as_object().contains("indices")) {
    auto* named = vectors->mutable_vectors()->mutable_vectors();
    for (const auto& [name, vector] : json.as_object()) {
      if (!one_vector_from_json(vector, &(*named)[std::string(name)], error)) return false;
    }
    return true;
  }
  return one_vector_from_json(json, vectors->mutable_vector(), error);
}

bool vector_input_from_json(const json::value& json, qdrant::VectorInput* input,
                            std::string* error) {
  return one_vector_from_json(json, input, error);
}

bool point_struct_from_json(const json::value& json, qdrant::PointStruct* point,
                            std::string* error) {
  const json::object* object = json.if_object();
  const json::value* id = object ? object->if_contains("id") : nullptr;
  if (!id || !(id->is_number() || id->is_string())) {
    *error = "a point has no id";
    return false;
  }
  points::point_id_from_json(*id, point->mutable_id());
  if (const json::value* payload = object->if_contains("payload"); payload && payload->is_object())
    points::payload_from_json(*payload, point->mutable_payload());
  const json::value* vector = object->if_contains("vector");
  if (!vector || vector->is_null()) vector = object->if_contains("vectors");
  if (vector && !vector->is_null())
    return vectors_from_json(*vector, point->mutable_vectors(), error);
  point->mutable_vectors()->mutable_vectors();  // no vectors: an empty named set
  return true;
}

json::value vectors_output_to_json(const qdrant::VectorsOutput& vectors) {
  if (vectors.has_vectors()) {
    json::object named;
    for (const auto& [name, vector] : vectors.vectors().vectors())
      named[name] = vector_output_to_json(vector);
    return named;
  }
  return vector_output_to_json(vectors.vector());
}

json::value retrieved_point_to_json(const qdrant::RetrievedPoint& point) {
  return point_to_json(point);
}

json::value scored_point_to_json(const qdrant::ScoredPoint& point) {
  json::object object = point_to_json(point);
  object["version"] = point.version();
  object["score"] = proto_json_rules::float_as_written(point.score());
  return object;
}

}  // namespace sextant::grpc_wire::client
