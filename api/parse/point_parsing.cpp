#include "api/parse/point_parsing.hpp"

#include <boost/json/serialize.hpp>
#include <cmath>
#include <set>

#include "api/parse/document_options.hpp"
#include "api/parse/filter_parser.hpp"
#include "api/parse/json_numbers.hpp"
#include "api/parse/validation_path.hpp"

namespace sextant::api {
namespace json = boost::json;
using storage::PointId;

namespace {

// Qdrant's text for a value that is neither an unsigned integer nor a UUID, the value shown as
// serde shows it (strings unquoted, null as `Unit`).
Error id_error(const json::value& value) {
  std::string shown;
  if (value.is_string())
    shown = std::string(value.get_string());
  else if (value.is_null())
    shown = "Unit";
  else if (value.is_number())
    shown = json_number_text(value);
  else
    shown = json::serialize(value);
  return Error::format("value " + shown +
                       " is not a valid point ID, valid values are either an unsigned integer or "
                       "a UUID");
}

Result<std::vector<float>> parse_floats(const json::value& value) {
  if (!value.is_array()) return Error::format("invalid type: expected a sequence of floats");
  const auto& array = value.get_array();
  std::vector<float> out;
  out.reserve(array.size());
  for (const auto& item : array) {
    if (!item.is_number()) return Error::format("invalid type: expected f32");
    double d = json_double(item);
    if (!std::isfinite(d) || std::fabs(d) > 3.4028234663852886e38)
      return Error::format("invalid value: expected a finite f32");
    out.push_back(static_cast<float>(d));
  }
  return out;
}

Result<storage::SparseVector> parse_sparse(const json::object& object) {
  auto indices = object.if_contains("indices");
  auto values = object.if_contains("values");
  if (!indices) return Error::format("missing field `indices`");
  if (!values) return Error::format("missing field `values`");
  if (!indices->is_array()) return Error::format("invalid type: expected a sequence for `indices`");
  storage::SparseVector sparse;
  for (const auto& i : indices->get_array()) {
    if (!json_uint(i) || *json_uint(i) > UINT32_MAX)
      return Error::format("invalid value: expected u32 in `indices`");
    sparse.indices.push_back(static_cast<uint32_t>(*json_uint(i)));
  }
  auto floats = parse_floats(*values);
  if (!floats.ok()) return floats.error();
  sparse.values = std::move(floats.value());
  // Qdrant's texts, with the path from the point ("?" stands for the vector's name); a point
  // list prefixes "points[i]." (with_point_path).
  if (sparse.indices.size() != sparse.values.size())
    return Error::validation(
        "[vector.?.values: Validation error: must be the same length as indices [{}]]");
  std::set<uint32_t> unique(sparse.indices.begin(), sparse.indices.end());
  if (unique.size() != sparse.indices.size())
    return Error::validation("[vector.?.indices: Validation error: must be unique [{}]]");
  return sparse;
}

// A validation error of the vector of the i-th point of a list, named from the body as Qdrant
// names it: "points[i].vector...".
Error with_point_path(Error error, size_t point_index) {
  const std::string head = "Validation error in JSON body: [vector.";
  if (error.kind == ErrorKind::kValidation && error.message.rfind(head, 0) == 0)
    error.message.insert(head.size() - std::string("vector.").size(),
                         "points[" + std::to_string(point_index) + "].");
  return error;
}

// Qdrant reads a vector given as exactly two rows whose first row is all unsigned 32-bit
// integers as a sparse vector: indices, then values (its untagged enum tries sparse first).
bool reads_as_sparse(const json::array& rows) {
  if (rows.size() != 2 || !rows[0].is_array() || !rows[1].is_array()) return false;
  for (const auto& index : rows[0].get_array())
    if (!json_uint(index) || *json_uint(index) > UINT32_MAX) return false;
  return true;
}

// The shape rules of a multivector, checked in Qdrant's order with its texts; `path` names the
// vector in the body ("vector.?" for a named one).
Status check_multivector_rows(const std::vector<size_t>& row_lengths, const std::string& path) {
  for (size_t length : row_lengths)
    if (length == 0) return Error::validation("[" + path + ".data: all vectors must be non-empty]");
  for (size_t length : row_lengths)
    if (length != row_lengths.front())
      return Error::validation("[" + path +
                               ".data: all vectors must have the same dimension, found vector "
                               "with dimension " +
                               std::to_string(length) + "]");
  return {};
}

bool is_document(const json::object& object) {
  return object.contains("text") && object.contains("model");
}

// One vector value for the vector called `name` ("" for the default).
Status parse_one_vector(const std::string& name, const json::value& value, Inference* inference,
                        storage::PointVectors& out, bool for_query = false) {
  // Qdrant's path of the vector in its texts: the unnamed vector is `vector`, a named one `?`.
  const std::string path = name.empty() ? "vector" : "vector.?";
  if (value.is_array()) {
    const auto& array = value.get_array();
    if (reads_as_sparse(array)) {
      auto sparse = parse_sparse(json::object{{"indices", array[0]}, {"values", array[1]}});
      if (!sparse.ok()) return sparse.error();
      out.sparse[name] = std::move(sparse.value());
      return {};
    }
    if (!array.empty() && array[0].is_array()) {
      storage::MultiVector multi;
      std::vector<size_t> row_lengths;
      for (const auto& row : array) {
        auto floats = parse_floats(row);
        if (!floats.ok()) return floats.error();
        row_lengths.push_back(floats->size());
        multi.values.insert(multi.values.end(), floats->begin(), floats->end());
      }
      if (auto st = check_multivector_rows(row_lengths, path); !st.ok()) return st;
      multi.dim = static_cast<uint32_t>(row_lengths.front());
      out.multi[name] = std::move(multi);
      return {};
    }
    auto floats = parse_floats(value);
    if (!floats.ok()) return floats.error();
    if (floats->empty() && !for_query)  // a query's is a dimension error, found later
      return Error::validation("[" + path + ".vector: dense vector must not be empty]");
    out.dense[name] = std::move(floats.value());
    return {};
  }
  if (value.is_object()) {
    const auto& object = value.get_object();
    if (object.contains("indices") || object.contains("values")) {
      auto sparse = parse_sparse(object);
      if (!sparse.ok()) return sparse.error();
      out.sparse[name] = std::move(sparse.value());
      return {};
    }
    if (is_document(object)) {
      if (!inference)
        return Error::bad_request(
            "Document inference is not available: no embedding model is configured");
      if (!object.at("text").is_string() || !object.at("model").is_string())
        return Error::format("invalid type: `text` and `model` must be strings");
      std::string model(object.at("model").get_string());
      std::string text(object.at("text").get_string());
      json::object options;
      if (auto o = object.if_contains("options"); o && o->is_object()) options = o->get_object();
      if (inference->is_sparse_model(model)) {
        auto bm25 = parse_bm25_options(options);
        if (!bm25.ok()) return bm25.error();
        auto sparse = for_query ? inference->embed_sparse_query(model, text, bm25.value())
                                : inference->embed_sparse(model, text, bm25.value());
        if (!sparse.ok()) return sparse.error();
        out.sparse[name] = std::move(sparse.value());
      } else {
        auto dense = inference->embed_dense(model, text);
        if (!dense.ok()) return dense.error();
        out.dense[name] = std::move(dense.value());
      }
      return {};
    }
  }
  return Error::format("data did not match any variant of untagged enum VectorStruct");
}

}  // namespace

Result<PointId> parse_point_id(const json::value& value) {
  if (value.is_uint64()) return PointId::from_number(value.get_uint64());
  if (value.is_int64()) {
    if (value.get_int64() < 0) return id_error(value);
    return PointId::from_number(static_cast<uint64_t>(value.get_int64()));
  }
  if (value.is_string()) {
    auto id = PointId::parse_uuid(value.get_string());
    if (!id) return id_error(value);
    return *id;
  }
  return id_error(value);
}

Result<std::vector<PointId>> parse_point_ids(const json::value& value) {
  if (!value.is_array()) return Error::format("invalid type: expected a sequence of point ids");
  std::vector<PointId> ids;
  for (const auto& item : value.get_array()) {
    auto id = parse_point_id(item);
    if (!id.ok()) return id.error();
    ids.push_back(id.value());
  }
  return ids;
}

Result<storage::PointVectors> parse_point_vectors(const json::value& value,
                                                  const storage::CollectionSchema& /*schema*/,
                                                  Inference* inference, bool for_query) {
  storage::PointVectors vectors;
  bool named_map = value.is_object() && !value.get_object().contains("indices") &&
                   !value.get_object().contains("values") && !is_document(value.get_object());
  if (named_map) {
    for (const auto& [name, v] : value.get_object()) {
      auto st = parse_one_vector(std::string(name), v, inference, vectors, for_query);
      if (!st.ok()) return st.error();
    }
  } else {
    auto st = parse_one_vector("", value, inference, vectors, for_query);
    if (!st.ok()) return st.error();
  }
  return vectors;
}

Status validate_point_vectors(const storage::PointVectors& vectors,
                              const storage::CollectionSchema& schema) {
  for (const auto& [name, dense] : vectors.dense) {
    const auto* spec = schema.find_dense(name);
    if (!spec) return Error::vector_name_not_found(name);
    if (spec->multivector) {
      if (dense.size() != spec->dim) return Error::vector_dimension(spec->dim, dense.size());
      continue;
    }
    if (dense.size() != spec->dim)
      return Error::vector_dimension(spec->dim, dense.size(),
                                     (name.empty() ? std::string() : " for vector '" + name + "'"));
  }
  for (const auto& [name, multi] : vectors.multi) {
    const auto* spec = schema.find_dense(name);
    if (!spec) return Error::vector_name_not_found(name);
    if (!spec->multivector && multi.rows() != 1)
      return Error::bad_input("Wrong input: Vector dimension error: expected dim: " +
                              std::to_string(spec->dim) + ", got multivector");
    if (multi.dim != spec->dim) return Error::vector_dimension(spec->dim, multi.dim);
  }
  for (const auto& [name, sparse] : vectors.sparse) {
    if (schema.find_sparse(name)) continue;
    if (schema.find_dense(name))
      return Error::bad_input("Conversion between sparse and regular vectors failed");
    return Error::vector_name_not_found(name);
  }
  return {};
}

namespace {

// A dense vector sent for a multivector field is a one-row multivector; a one-row multivector
// for a plain dense field is its row.
void normalise_shapes(storage::PointVectors& vectors, const storage::CollectionSchema& schema) {
  for (auto it = vectors.dense.begin(); it != vectors.dense.end();) {
    const auto* spec = schema.find_dense(it->first);
    if (spec && spec->multivector && it->second.size() == spec->dim) {
      storage::MultiVector multi;
      multi.dim = spec->dim;
      multi.values = std::move(it->second);
      vectors.multi[it->first] = std::move(multi);
      it = vectors.dense.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = vectors.multi.begin(); it != vectors.multi.end();) {
    const auto* spec = schema.find_dense(it->first);
    if (spec && !spec->multivector && it->second.rows() == 1 && it->second.dim == spec->dim) {
      vectors.dense[it->first] = std::move(it->second.values);
      it = vectors.multi.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

Result<std::vector<storage::PointWrite>> parse_points_to_upsert(
    const json::object& body, const storage::CollectionSchema& schema, Inference* inference) {
  std::vector<storage::PointWrite> points;
  auto finish = [&](storage::PointWrite& point) -> Status {
    normalise_shapes(point.vectors, schema);
    for (const auto& [name, multi] : point.vectors.multi) {
      const auto* spec = schema.find_dense(name);
      if (spec && !spec->multivector) return Error::vector_dimension(spec->dim, multi.dim);
    }
    return validate_point_vectors(point.vectors, schema);
  };
  if (auto list = body.if_contains("points")) {
    if (!list->is_array()) return Error::format("invalid type: expected a sequence for `points`");
    for (const auto& item : list->get_array()) {
      if (!item.is_object()) return Error::format("invalid type: expected struct PointStruct");
      const auto& object = item.get_object();
      storage::PointWrite point;
      auto id_value = object.if_contains("id");
      if (!id_value) return Error::format("missing field `id`");
      auto id = parse_point_id(*id_value);
      if (!id.ok()) return id.error();
      point.id = id.value();
      if (auto v = object.if_contains("vector")) {
        auto vectors = parse_point_vectors(*v, schema, inference);
        if (!vectors.ok()) return with_point_path(vectors.error(), points.size());
        point.vectors = std::move(vectors.value());
      } else {
        return Error::format("missing field `vector`");
      }
      if (auto p = object.if_contains("payload"); p && !p->is_null()) {
        if (!p->is_object()) return Error::format("invalid type: expected a map for `payload`");
        point.payload = p->get_object();
      }
      if (auto st = finish(point); !st.ok()) return st.error();
      points.push_back(std::move(point));
    }
    return points;
  }
  auto batch_value = body.if_contains("batch");
  if (!batch_value)
    return Error::format("data did not match any variant of untagged enum PointInsertOperations");
  if (!batch_value->is_object()) return Error::format("invalid type: expected struct Batch");
  const auto& batch = batch_value->get_object();
  auto ids_value = batch.if_contains("ids");
  if (!ids_value) return Error::format("missing field `ids`");
  auto ids = parse_point_ids(*ids_value);
  if (!ids.ok()) return ids.error();
  const size_t n = ids->size();
  points.resize(n);
  for (size_t i = 0; i < n; ++i) points[i].id = ids.value()[i];
  auto vectors_value = batch.if_contains("vectors");
  if (!vectors_value) return Error::format("missing field `vectors`");
  auto fill = [&](const std::string& name, const json::value& list) -> Status {
    if (!list.is_array()) return Error::format("invalid type: expected a sequence of vectors");
    if (list.get_array().size() != n)
      return Error::validation("[batch: number of ids and vectors must be equal (" +
                               std::to_string(n) +
                               " != " + std::to_string(list.get_array().size()) + ")]");
    for (size_t i = 0; i < n; ++i) {
      auto st = parse_one_vector(name, list.get_array()[i], inference, points[i].vectors);
      if (!st.ok()) return with_vector_path(st.error(), "batch.?");
    }
    return {};
  };
  if (vectors_value->is_object()) {
    for (const auto& [name, list] : vectors_value->get_object())
      if (auto st = fill(std::string(name), list); !st.ok()) return st.error();
  } else if (auto st = fill("", *vectors_value); !st.ok()) {
    return st.error();
  }
  if (auto payloads = batch.if_contains("payloads"); payloads && !payloads->is_null()) {
    if (!payloads->is_array())
      return Error::format("invalid type: expected a sequence for `payloads`");
    if (payloads->get_array().size() != n)
      return Error::validation("[batch: number of ids and payloads must be equal (" +
                               std::to_string(n) +
                               " != " + std::to_string(payloads->get_array().size()) + ")]");
    for (size_t i = 0; i < n; ++i) {
      const auto& p = payloads->get_array()[i];
      if (p.is_null()) continue;
      if (!p.is_object()) return Error::format("invalid type: expected a map for payload");
      points[i].payload = p.get_object();
    }
  }
  for (auto& point : points)
    if (auto st = finish(point); !st.ok()) return st.error();
  return points;
}

Result<std::shared_ptr<const index::filter::Filter>> parse_optional_filter(
    const json::object& body, const char* key, const std::string& label) {
  auto value = body.if_contains(key);
  if (!value || value->is_null()) return std::shared_ptr<const index::filter::Filter>();
  return parse_filter_json(*value, label.empty() ? std::string(key) : label);
}

Result<storage::PointSelector> parse_points_selector(const json::object& body) {
  storage::PointSelector selector;
  if (auto points = body.if_contains("points")) {
    auto ids = parse_point_ids(*points);
    if (!ids.ok()) return ids.error();
    selector.ids = std::move(ids.value());
    return selector;
  }
  if (body.contains("filter")) {
    auto filter = parse_optional_filter(body);
    if (!filter.ok()) return filter.error();
    selector.filter = filter.value();
    if (!selector.filter) selector.filter = std::make_shared<const index::filter::Filter>();
    return selector;
  }
  return Error::format("data did not match any variant of untagged enum PointsSelector");
}

Result<PayloadSelector> parse_with_payload(const json::object& body, bool default_enabled) {
  PayloadSelector selector;
  selector.enabled = default_enabled;
  auto value = body.if_contains("with_payload");
  if (!value || value->is_null()) return selector;
  auto strings = [](const json::value& v, std::vector<std::string>& out) -> Status {
    if (!v.is_array()) return Error::format("invalid type: expected a sequence of keys");
    for (const auto& s : v.get_array()) {
      if (!s.is_string()) return Error::format("invalid type: expected a string key");
      out.emplace_back(s.get_string());
    }
    return {};
  };
  if (value->is_bool()) {
    selector.enabled = value->get_bool();
  } else if (value->is_array()) {
    selector.enabled = true;
    if (auto st = strings(*value, selector.include); !st.ok()) return st.error();
  } else if (value->is_object()) {
    selector.enabled = true;
    const auto& o = value->get_object();
    if (auto inc = o.if_contains("include")) {
      if (auto st = strings(*inc, selector.include); !st.ok()) return st.error();
    } else if (auto exc = o.if_contains("exclude")) {
      if (auto st = strings(*exc, selector.exclude); !st.ok()) return st.error();
    } else {
      return Error::format("data did not match any variant of untagged enum WithPayloadInterface");
    }
  } else {
    return Error::format("data did not match any variant of untagged enum WithPayloadInterface");
  }
  return selector;
}

Result<storage::VectorSelection> parse_with_vector(const json::object& body, bool default_enabled) {
  storage::VectorSelection selection;
  selection.all = default_enabled;
  auto value = body.if_contains("with_vector");
  if (!value) value = body.if_contains("with_vectors");
  if (!value || value->is_null()) return selection;
  if (value->is_bool()) {
    selection.all = value->get_bool();
    return selection;
  }
  if (value->is_array()) {
    selection.all = false;
    for (const auto& s : value->get_array()) {
      if (!s.is_string()) return Error::format("invalid type: expected a vector name");
      selection.names.emplace_back(s.get_string());
    }
    return selection;
  }
  return Error::format("data did not match any variant of untagged enum WithVector");
}

}  // namespace sextant::api
