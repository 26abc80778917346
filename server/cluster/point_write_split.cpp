// See point_write_split.hpp.
#include "server/cluster/point_write_split.hpp"

#include <boost/json.hpp>

#include "api/parse/point_parsing.hpp"
#include "storage/shards.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

Result<uint32_t> shard_of(const json::value& id, uint32_t shard_number) {
  auto parsed = api::parse_point_id(id);
  if (!parsed.ok()) return parsed.error();
  return storage::route_point(parsed.value(), shard_number);
}

json::object without(const json::object& body, std::initializer_list<std::string_view> keys) {
  json::object rest = body;
  for (auto key : keys) rest.erase(key);
  return rest;
}

// The upsert `batch` columns: ids, vectors (one list, or one list per vector name), payloads.
Result<std::map<uint32_t, json::object>> split_batch(const json::object& body,
                                                     uint32_t shard_number) {
  const auto& batch = body.at("batch");
  if (!batch.is_object() || !batch.get_object().contains("ids") ||
      !batch.get_object().at("ids").is_array())
    return Error::format("missing field `ids`");
  const auto& columns = batch.get_object();
  const auto& ids = columns.at("ids").get_array();
  std::map<uint32_t, json::object> by_shard;
  for (size_t row = 0; row < ids.size(); ++row) {
    auto shard = shard_of(ids[row], shard_number);
    if (!shard.ok()) return shard.error();
    auto emplaced = by_shard.try_emplace(shard.value());
    json::object& shard_body = emplaced.first->second;
    if (emplaced.second) {
      shard_body = without(body, {"batch"});
      shard_body["batch"] = json::object{};
    }
    json::object& sub_batch = shard_body["batch"].get_object();
    for (const auto& [name, column] : columns) {
      if (column.is_array()) {
        if (row >= column.get_array().size()) continue;
        auto& target = sub_batch[name];
        if (!target.is_array()) target = json::array{};
        target.get_array().push_back(column.get_array()[row]);
      } else if (column.is_object() && name == "vectors") {  // named vectors: a column per name
        auto& target = sub_batch[name];
        if (!target.is_object()) target = json::object{};
        for (const auto& [vector_name, values] : column.get_object()) {
          if (!values.is_array() || row >= values.get_array().size()) continue;
          auto& named = target.get_object()[vector_name];
          if (!named.is_array()) named = json::array{};
          named.get_array().push_back(values.get_array()[row]);
        }
      } else if (emplaced.second) {
        sub_batch[name] = column;
      }
    }
  }
  return by_shard;
}

}  // namespace

Result<std::map<uint32_t, json::object>> split_by_shard(const json::object& body, PointList list,
                                                        uint32_t shard_number) {
  if (list == PointList::kPointsOrBatch && body.contains("batch"))
    return split_batch(body, shard_number);
  const bool is_object_list = list != PointList::kIds;
  auto* points = body.if_contains("points");
  if (!points) return Error::format("missing field `points`");
  if (!points->is_array()) return Error::format("invalid type: expected a sequence for `points`");
  std::map<uint32_t, json::object> by_shard;
  for (const auto& point : points->get_array()) {
    const json::value* id = &point;
    if (is_object_list) {
      if (!point.is_object() || !point.get_object().contains("id"))
        return Error::format("missing field `id`");
      id = &point.get_object().at("id");
    }
    auto shard = shard_of(*id, shard_number);
    if (!shard.ok()) return shard.error();
    auto [entry, created] = by_shard.try_emplace(shard.value());
    if (created) {
      entry->second = without(body, {"points"});
      entry->second["points"] = json::array{};
    }
    entry->second["points"].get_array().push_back(point);
  }
  return by_shard;
}

}  // namespace sextant::server
