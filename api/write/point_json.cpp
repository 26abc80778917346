#include "api/write/point_json.hpp"

#include "api/parse/json_numbers.hpp"
#include "index/payload/json_path.hpp"

namespace sextant::api {
namespace json = boost::json;

json::value point_id_json(const storage::PointId& id) {
  if (id.is_uuid()) return json::value(id.to_string());
  return json::value(id.number);
}

namespace {

json::value floats_json(const float* values, size_t n) {
  json::array array;
  array.reserve(n);
  for (size_t i = 0; i < n; ++i) array.emplace_back(float_json_value(values[i]));
  return array;
}

}  // namespace

json::value vectors_json(const storage::PointVectors& vectors) {
  const size_t count = vectors.dense.size() + vectors.multi.size() + vectors.sparse.size();
  if (count == 1 && vectors.dense.size() == 1 && vectors.dense.begin()->first.empty())
    return floats_json(vectors.dense.begin()->second.data(), vectors.dense.begin()->second.size());
  json::object named;
  for (const auto& [name, v] : vectors.dense) named[name] = floats_json(v.data(), v.size());
  for (const auto& [name, m] : vectors.multi) {
    json::array rows;
    for (size_t r = 0; r < m.rows(); ++r)
      rows.push_back(floats_json(m.values.data() + r * m.dim, m.dim));
    if (name.empty() && count == 1) return rows;
    named[name] = std::move(rows);
  }
  for (const auto& [name, s] : vectors.sparse) {
    json::array indices;
    for (uint32_t i : s.indices) indices.push_back(i);
    named[name] = json::object{{"indices", std::move(indices)},
                               {"values", floats_json(s.values.data(), s.values.size())}};
  }
  return named;
}

json::object select_payload(const json::object& payload, const PayloadSelector& selector) {
  auto parse_all = [](const std::vector<std::string>& keys) {
    std::vector<index::payload::JsonPath> paths;
    for (const auto& key : keys)
      if (auto path = index::payload::JsonPath::parse(key)) paths.push_back(std::move(*path));
    return paths;
  };
  if (!selector.include.empty())
    return index::payload::include_paths(payload, parse_all(selector.include));
  if (!selector.exclude.empty())
    return index::payload::exclude_paths(payload, parse_all(selector.exclude));
  return payload;
}

namespace {

// Appends the requested parts of a point as Qdrant 1.19 does: a requested payload is an object
// ({} for a point without one), a requested vector is the point's vectors; parts not requested
// are left out, not written as null.
void append_payload_and_vectors(json::object& out, const storage::PointRecord& record,
                                const PayloadSelector& payload, bool with_vectors) {
  if (payload.enabled)
    out["payload"] = record.payload ? select_payload(*record.payload, payload) : json::object();
  if (with_vectors) out["vector"] = vectors_json(record.vectors);
}

}  // namespace

json::object record_json(const storage::PointRecord& record, const PayloadSelector& payload,
                         bool with_vectors) {
  json::object out;
  out["id"] = point_id_json(record.id);
  append_payload_and_vectors(out, record, payload, with_vectors);
  return out;
}

json::object scored_point_json(const storage::PointRecord& record, float score,
                               const PayloadSelector& payload, bool with_vectors) {
  json::object out;
  out["id"] = point_id_json(record.id);
  out["version"] = record.version;
  out["score"] = float_json_value(score);
  append_payload_and_vectors(out, record, payload, with_vectors);
  return out;
}

}  // namespace sextant::api
