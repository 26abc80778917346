// verify_collection: counts, a random sample compared field by field, exact searches compared.
#include "migrate/verifier.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace sextant::migrate {

namespace json = boost::json;

namespace {

bool as_number(const json::value& value, double* out) {
  if (value.is_double())
    *out = value.as_double();
  else if (value.is_int64())
    *out = static_cast<double>(value.as_int64());
  else if (value.is_uint64())
    *out = static_cast<double>(value.as_uint64());
  else
    return false;
  return true;
}

bool numbers_close(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance * std::max(1.0, std::fabs(a));
}

// A sparse vector as index -> value, whatever order the server lists the indices in.
bool sparse_map(const json::value& value, std::map<int64_t, double>* out) {
  const json::object* object = value.if_object();
  if (!object || object->size() != 2) return false;
  auto* indices = object->if_contains("indices");
  auto* values = object->if_contains("values");
  if (!indices || !values || !indices->is_array() || !values->is_array()) return false;
  if (indices->as_array().size() != values->as_array().size()) return false;
  for (size_t i = 0; i < indices->as_array().size(); ++i) {
    double index = 0, component = 0;
    if (!as_number(indices->as_array()[i], &index) || !as_number(values->as_array()[i], &component))
      return false;
    (*out)[static_cast<int64_t>(index)] = component;
  }
  return true;
}

std::string id_text(const json::value& id) { return json::serialize(id); }

}  // namespace

bool payload_equal(const json::value& a, const json::value& b) {
  double x = 0, y = 0;
  if (as_number(a, &x) && as_number(b, &y)) return x == y;
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const json::object& left = a.as_object();
    const json::object& right = b.as_object();
    if (left.size() != right.size()) return false;
    for (const auto& [key, member] : left) {
      auto* other = right.if_contains(key);
      if (!other || !payload_equal(member, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const json::array& left = a.as_array();
    const json::array& right = b.as_array();
    if (left.size() != right.size()) return false;
    for (size_t i = 0; i < left.size(); ++i)
      if (!payload_equal(left[i], right[i])) return false;
    return true;
  }
  return a == b;
}

bool vectors_equal(const json::value& a, const json::value& b, double tolerance) {
  double x = 0, y = 0;
  if (as_number(a, &x) && as_number(b, &y)) return numbers_close(x, y, tolerance);
  std::map<int64_t, double> sparse_a, sparse_b;
  if (sparse_map(a, &sparse_a) && sparse_map(b, &sparse_b)) {
    if (sparse_a.size() != sparse_b.size()) return false;
    for (const auto& [index, component] : sparse_a) {
      auto found = sparse_b.find(index);
      if (found == sparse_b.end() || !numbers_close(component, found->second, tolerance))
        return false;
    }
    return true;
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    if (a.as_array().size() != b.as_array().size()) return false;
    for (size_t i = 0; i < a.as_array().size(); ++i)
      if (!vectors_equal(a.as_array()[i], b.as_array()[i], tolerance)) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.as_object().size() != b.as_object().size()) return false;
    for (const auto& [name, vector] : a.as_object()) {
      auto* other = b.as_object().if_contains(name);
      if (!other || !vectors_equal(vector, *other, tolerance)) return false;
    }
    return true;
  }
  return a == b;
}

namespace {

Result<uint64_t> exact_count(QdrantEndpoint& endpoint, const std::string& collection) {
  auto answer = endpoint.post("/collections/" + path_segment(collection) + "/points/count",
                              json::object{{"exact", true}});
  if (!answer.ok()) return answer.error();
  auto* count = answer->is_object() ? answer->as_object().if_contains("count") : nullptr;
  if (!count || !count->is_number()) {
    return Error::corrupted(endpoint.url() + ": count of " + collection + " answered no count");
  }
  return count->to_number<uint64_t>();
}

const json::value* member(const json::value& value, const char* key) {
  return value.is_object() ? value.as_object().if_contains(key) : nullptr;
}

// The (vector name, query vector) pairs a point offers: its unnamed vector or each named one.
std::vector<std::pair<std::string, json::value>> query_vectors(const json::value& record) {
  std::vector<std::pair<std::string, json::value>> queries;
  const json::value* vector = member(record, "vector");
  if (!vector) return queries;
  if (vector->is_array()) {
    queries.emplace_back("", *vector);
  } else if (vector->is_object() && !vector->as_object().contains("indices")) {
    for (const auto& [name, value] : vector->as_object())
      queries.emplace_back(std::string(name), value);
  }
  return queries;
}

// Same ids in the same order; where ids differ, the scores there must tie (within tolerance)
// with a neighbour, as exact search orders equal scores arbitrarily.
bool same_ranking(const json::array& left, const json::array& right) {
  if (left.size() != right.size()) return false;
  auto score = [](const json::value& hit) {
    double s = 0;
    if (auto* v = member(hit, "score")) as_number(*v, &s);
    return s;
  };
  for (size_t i = 0; i < left.size(); ++i) {
    if (!numbers_close(score(left[i]), score(right[i]), 1e-4)) return false;
    if (*member(left[i], "id") == *member(right[i], "id")) continue;
    bool tied = (i > 0 && numbers_close(score(left[i]), score(left[i - 1]), 1e-4)) ||
                (i + 1 < left.size() && numbers_close(score(left[i]), score(left[i + 1]), 1e-4));
    if (!tied) return false;
  }
  return true;
}

}  // namespace

Result<CollectionVerification> verify_collection(QdrantEndpoint& source, QdrantEndpoint& target,
                                                 const std::string& collection,
                                                 const VerifyOptions& options) {
  CollectionVerification result;
  result.collection = collection;
  auto note = [&result](std::string problem) {
    if (result.problems.size() < 5) result.problems.push_back(std::move(problem));
  };
  auto source_count = exact_count(source, collection);
  if (!source_count.ok()) return source_count.error();
  auto target_count = exact_count(target, collection);
  if (!target_count.ok()) return target_count.error();
  result.source_points = *source_count;
  result.target_points = *target_count;
  if (result.source_points != result.target_points) {
    note("point counts differ: source " + std::to_string(result.source_points) + ", target " +
         std::to_string(result.target_points));
  }
  if (options.sample_points == 0 || result.source_points == 0) return result;

  const std::string points_path = "/collections/" + path_segment(collection) + "/points";
  auto sample = source.post(points_path + "/query", json::object{{"query", {{"sample", "random"}}},
                                                                 {"limit", options.sample_points},
                                                                 {"with_payload", true},
                                                                 {"with_vector", true}});
  if (!sample.ok()) return sample.error();
  const json::value* sampled_points = member(*sample, "points");
  if (!sampled_points || !sampled_points->is_array()) {
    return Error::corrupted(source.url() + ": sampling " + collection + " answered no points");
  }
  const json::array& records = sampled_points->as_array();
  json::array ids;
  for (const auto& record : records) ids.push_back(*member(record, "id"));
  auto copies = target.post(
      points_path, json::object{{"ids", ids}, {"with_payload", true}, {"with_vector", true}});
  if (!copies.ok()) return copies.error();
  std::map<std::string, const json::value*> by_id;
  if (copies->is_array()) {
    for (const auto& copy : copies->as_array()) by_id[id_text(*member(copy, "id"))] = &copy;
  }
  json::value empty_object = json::object();
  for (const auto& record : records) {
    ++result.sampled;
    std::string id = id_text(*member(record, "id"));
    auto found = by_id.find(id);
    if (found == by_id.end()) {
      ++result.sample_mismatches;
      note("point " + id + " is missing at the target");
      continue;
    }
    const json::value& copy = *found->second;
    auto field = [&](const json::value& point, const char* key) -> const json::value& {
      const json::value* value = member(point, key);
      return value && !value->is_null() ? *value : empty_object;
    };
    if (!vectors_equal(field(record, "vector"), field(copy, "vector"), options.tolerance)) {
      ++result.sample_mismatches;
      note("point " + id + ": vectors differ");
    } else if (!payload_equal(field(record, "payload"), field(copy, "payload"))) {
      ++result.sample_mismatches;
      note("point " + id + ": payloads differ");
    }
  }

  size_t searches_left = options.searches;
  for (const auto& record : records) {
    if (searches_left == 0) break;
    --searches_left;
    for (auto& [name, vector] : query_vectors(record)) {
      json::object query{
          {"query", vector}, {"limit", 10}, {"params", {{"exact", true}}}, {"with_payload", false}};
      if (!name.empty()) query["using"] = name;
      auto left = source.post(points_path + "/query", query);
      if (!left.ok()) return left.error();
      auto right = target.post(points_path + "/query", query);
      if (!right.ok()) return right.error();
      ++result.searches;
      const json::value* left_points = member(*left, "points");
      const json::value* right_points = member(*right, "points");
      if (!left_points || !right_points || !left_points->is_array() || !right_points->is_array() ||
          !same_ranking(left_points->as_array(), right_points->as_array())) {
        ++result.search_mismatches;
        note("exact search with point " + id_text(*member(record, "id")) + "'s vector" +
             (name.empty() ? "" : " '" + name + "'") + " ranks differently");
      }
    }
  }
  return result;
}

}  // namespace sextant::migrate
