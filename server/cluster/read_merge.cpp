// See read_merge.hpp.
#include "server/cluster/read_merge.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace sextant::server {
namespace {

namespace json = boost::json;

std::string id_key(const json::value& id) { return json::serialize(id); }

struct IdLess {
  bool operator()(const json::value& a, const json::value& b) const {
    return compare_point_ids(a, b) < 0;
  }
};

double score_of(const json::value& point) {
  const auto* score = point.as_object().if_contains("score");
  return score && score->is_number() ? score->to_number<double>() : 0.0;
}

}  // namespace

int compare_point_ids(const json::value& a, const json::value& b) {
  const bool a_number = a.is_number(), b_number = b.is_number();
  if (a_number != b_number) return a_number ? -1 : 1;
  if (a_number) {
    const auto x = a.to_number<uint64_t>(), y = b.to_number<uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (!a.is_string() || !b.is_string()) return 0;
  return a.get_string().compare(b.get_string());
}

json::array merge_scored(const std::vector<json::array>& answers, size_t offset, size_t limit) {
  bool ascending = false;  // a node's answer worst-first means a distance ordered ascending
  for (const auto& answer : answers)
    if (answer.size() >= 2 && score_of(answer.front()) < score_of(answer.back())) ascending = true;
  std::map<std::string, json::value> unique;
  for (const auto& answer : answers)
    for (const auto& point : answer)
      if (point.is_object() && point.as_object().contains("id"))
        unique.try_emplace(id_key(point.as_object().at("id")), point);
  std::vector<json::value> points;
  for (auto& [key, point] : unique) points.push_back(std::move(point));
  std::stable_sort(points.begin(), points.end(), [&](const json::value& a, const json::value& b) {
    const double x = score_of(a), y = score_of(b);
    if (x != y) return ascending ? x < y : x > y;
    return compare_point_ids(a.as_object().at("id"), b.as_object().at("id")) < 0;
  });
  json::array merged;
  for (size_t i = offset; i < points.size() && merged.size() < limit; ++i)
    merged.push_back(std::move(points[i]));
  return merged;
}

json::object merge_scroll(const std::vector<json::object>& answers, size_t limit) {
  std::map<json::value, json::value, IdLess> by_id;
  std::vector<json::value> node_next_offsets;
  for (const auto& answer : answers) {
    if (auto* points = answer.if_contains("points"); points && points->is_array())
      for (const auto& point : points->get_array())
        if (point.is_object() && point.as_object().contains("id"))
          by_id.try_emplace(point.as_object().at("id"), point);
    if (auto* next = answer.if_contains("next_page_offset"); next && !next->is_null())
      node_next_offsets.push_back(*next);
  }
  json::array page;
  std::optional<json::value> last_id;
  auto it = by_id.begin();
  for (; it != by_id.end() && page.size() < limit; ++it) {
    page.push_back(it->second);
    last_id = it->first;
  }
  // The next page starts at the smallest id after this page's last that some node holds (a
  // node's own next offset may be a point another node already put on this page).
  std::optional<json::value> next_offset;
  const auto consider_next = [&](const json::value& id) {
    if (last_id && compare_point_ids(id, *last_id) <= 0) return;
    if (!next_offset || compare_point_ids(id, *next_offset) < 0) next_offset = id;
  };
  if (it != by_id.end()) consider_next(it->first);
  for (const auto& id : node_next_offsets) consider_next(id);
  json::object merged{{"points", std::move(page)}};
  merged["next_page_offset"] = next_offset ? *next_offset : json::value(nullptr);
  return merged;
}

json::array merge_retrieved(const std::vector<json::array>& answers,
                            const json::array& requested_ids) {
  std::map<std::string, json::value> by_id;
  for (const auto& answer : answers)
    for (const auto& point : answer)
      if (point.is_object() && point.as_object().contains("id"))
        by_id.try_emplace(id_key(point.as_object().at("id")), point);
  json::array merged;
  for (const auto& id : requested_ids) {
    auto found = by_id.find(id_key(id));
    if (found == by_id.end()) continue;
    merged.push_back(std::move(found->second));
    by_id.erase(found);
  }
  return merged;
}

}  // namespace sextant::server
