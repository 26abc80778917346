// simdjson on-demand reading of upsert bodies of the common shape (upsert_body.hpp).
#include "api/parse/upsert_body.hpp"

#include <simdjson.h>

#include <boost/json/parse.hpp>
#include <string>

#include "api/handler_support.hpp"
#include "api/parse/ondemand_body.hpp"

namespace sextant::api {

namespace {

namespace od = simdjson::ondemand;

// A plain vector of exactly `dim` finite f32 numbers, appended to `out`.
bool read_vector(od::value value, uint32_t dim, std::vector<float>& out) {
  // More or fewer than `dim` numbers is a dimension error: the DOM path words it.
  const size_t first = out.size();
  out.reserve(first + dim);
  return ondemand::read_f32_array(value, dim, out) && out.size() - first == dim;
}

bool read_id(od::value value, storage::PointId& out) {
  uint64_t number = 0;
  if (value.get_uint64().get(number)) return false;  // UUIDs and anything else: DOM path
  out = storage::PointId::from_number(number);
  return true;
}

// A payload object (or null: none) parsed from its raw text as the DOM parser reads the body.
bool read_payload(od::value value, boost::json::object& out) {
  bool is_null = false;
  if (value.is_null().get(is_null)) return false;
  if (is_null) return true;
  od::object object;
  std::string_view raw;
  if (value.get_object().get(object) || object.raw_json().get(raw)) return false;
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth - 3;  // the payload sits 3 levels into the body at least
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(raw, error, {}, options);
  if (error || !parsed.is_object()) return false;
  out = std::move(parsed.get_object());
  return true;
}

// Reads each element of an array with `read` (index, value); false on any failure.
template <typename Read>
bool for_each_element(od::value value, Read&& read) {
  od::array array;
  if (value.get_array().get(array)) return false;
  size_t index = 0;
  for (auto item : array) {
    od::value element;
    if (item.get(element) || !read(index, element)) return false;
    ++index;
  }
  return true;
}

// Calls `read` (key, value) for each field of an object whose keys are among `allowed` and
// unique; false on any other key or failure.
template <typename Read>
bool for_each_field(od::value value, std::initializer_list<std::string_view> allowed, Read&& read) {
  od::object object;
  if (value.get_object().get(object)) return false;
  uint32_t seen = 0;
  for (auto field : object) {
    std::string_view key;
    od::value field_value;
    if (field.unescaped_key().get(key) || field.value().get(field_value)) return false;
    uint32_t bit = 1;
    bool known = false;
    for (std::string_view name : allowed) {
      if (name == key) {
        known = true;
        break;
      }
      bit <<= 1;
    }
    if (!known || (seen & bit)) return false;
    seen |= bit;
    if (!read(key, field_value)) return false;
  }
  return true;
}

bool read_points(od::value value, uint32_t dim, std::vector<storage::PointWrite>& points) {
  return for_each_element(value, [&](size_t, od::value item) {
    storage::PointWrite& point = points.emplace_back();
    bool has_id = false;
    bool has_vector = false;
    const bool read = for_each_field(
        item, {"id", "vector", "payload"}, [&](std::string_view key, od::value field) {
          if (key == "id") return has_id = read_id(field, point.id);
          if (key == "vector") return has_vector = read_vector(field, dim, point.vectors.dense[""]);
          return read_payload(field, point.payload);
        });
    return read && has_id && has_vector;
  });
}

bool read_batch(od::value value, uint32_t dim, std::vector<storage::PointWrite>& points) {
  std::vector<storage::PointId> ids;
  std::vector<std::vector<float>> vectors;
  std::vector<boost::json::object> payloads;
  bool has_payloads = false;
  const bool read = for_each_field(
      value, {"ids", "vectors", "payloads"}, [&](std::string_view key, od::value field) {
        if (key == "ids")
          return for_each_element(
              field, [&](size_t, od::value id) { return read_id(id, ids.emplace_back()); });
        if (key == "vectors")
          return for_each_element(field, [&](size_t, od::value vector) {
            return read_vector(vector, dim, vectors.emplace_back());
          });
        bool is_null = false;
        if (field.is_null().get(is_null)) return false;
        if (is_null) return true;
        has_payloads = true;
        return for_each_element(field, [&](size_t, od::value payload) {
          return read_payload(payload, payloads.emplace_back());
        });
      });
  if (!read || ids.empty() || ids.size() != vectors.size()) return false;
  if (has_payloads && payloads.size() != ids.size()) return false;
  points.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    points[i].id = ids[i];
    points[i].vectors.dense[""] = std::move(vectors[i]);
    if (has_payloads) points[i].payload = std::move(payloads[i]);
  }
  return true;
}

}  // namespace

std::optional<std::vector<storage::PointWrite>> read_plain_upsert_body(
    std::string_view body, const storage::CollectionSchema& schema) {
  if (schema.dense.size() != 1 || !schema.sparse.empty()) return std::nullopt;
  const storage::DenseVectorSpec& spec = schema.dense.front();
  if (!spec.name.empty() || spec.multivector || spec.datatype != storage::Datatype::kFloat32 ||
      spec.dim == 0)
    return std::nullopt;
  od::document document;
  if (!ondemand::iterate_on_this_thread(body, document)) return std::nullopt;
  od::value root;
  if (document.get_value().get(root)) return std::nullopt;
  std::vector<storage::PointWrite> points;
  const bool read =
      for_each_field(root, {"points", "batch"}, [&](std::string_view key, od::value field) {
        if (!points.empty()) return false;  // both keys: the DOM path decides
        return key == "points" ? read_points(field, spec.dim, points)
                               : read_batch(field, spec.dim, points);
      });
  // Content after the object is an error the DOM path words.
  if (!read || points.empty() || !ondemand::at_end(document)) return std::nullopt;
  return points;
}

}  // namespace sextant::api
