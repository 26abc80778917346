// Shard key selectors of reads and writes (see shard_selection.hpp).
#include "api/handlers/shard_selection.hpp"

#include <map>
#include <set>

#include "api/parse/json_numbers.hpp"
#include "api/parse/point_parsing.hpp"
#include "api/parse/unused_fields.hpp"
#include "storage/shards.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

// The shard ids of every key of a custom-sharded collection, as `view` sees them.
using ShardsByKey = std::map<storage::ShardKey, std::vector<uint32_t>>;

Result<ShardsByKey> shards_by_key(const storage::ReadView& view) {
  auto entries = storage::read_shard_keys(view);
  if (!entries.ok()) return entries.error();
  ShardsByKey shards;
  for (const auto& entry : entries.value()) shards[entry.key].push_back(entry.shard_id);
  return shards;
}

Error key_not_found(const storage::ShardKey& key, bool write) {
  const std::string text = "Shard key " + shard_key_text(key) + " not found";
  return write ? Error::bad_input(text) : Error::bad_request(text);
}

// The keys a ShardKeySelector names, resolved against `shards` (`target` unless missing, then
// `fallback`). The selector was type-checked by check_shard_key_field.
Result<std::vector<storage::ShardKey>> selected_keys(const json::value& selector,
                                                     const ShardsByKey& shards, bool write) {
  std::vector<storage::ShardKey> keys;
  if (selector.is_array()) {
    for (const auto& item : selector.get_array())
      if (auto key = shard_key_from_json(item)) keys.push_back(std::move(*key));
  } else if (selector.is_object()) {
    const json::object& fallback_selector = selector.get_object();
    auto target = shard_key_from_json(fallback_selector.at("target"));
    auto fallback = shard_key_from_json(fallback_selector.at("fallback"));
    if (target && shards.contains(*target))
      keys.push_back(std::move(*target));
    else if (fallback)
      keys.push_back(std::move(*fallback));
  } else if (auto key = shard_key_from_json(selector)) {
    keys.push_back(std::move(*key));
  }
  for (const auto& key : keys)
    if (!shards.contains(key)) return key_not_found(key, write);
  return keys;
}

const json::value* selector_of(const json::object& body) {
  const json::value* selector = body.if_contains("shard_key");
  return selector && !selector->is_null() ? selector : nullptr;
}

}  // namespace

bool custom_sharding(const storage::Collection& collection) {
  const auto& method = collection.config().params.sharding_method;
  return method && *method == "custom";
}

std::optional<storage::ShardKey> shard_key_from_json(const json::value& value) {
  if (value.is_string()) return storage::ShardKey(std::string(value.get_string()));
  if (auto number = json_uint(value)) return storage::ShardKey(uint64_t(*number));
  return std::nullopt;
}

json::value shard_key_json(const storage::ShardKey& key) {
  if (const auto* number = std::get_if<uint64_t>(&key)) return json::value(*number);
  return json::value(std::get<std::string>(key));
}

std::string shard_key_text(const storage::ShardKey& key) {
  return json::serialize(shard_key_json(key));
}

Result<std::shared_ptr<const storage::ReadView>> read_view_for(
    const storage::Collection& collection, const json::object& body) {
  if (auto st = check_shard_key_field(body); !st.ok()) return st.error();
  auto view = collection.view();
  const json::value* selector = selector_of(body);
  if (!selector) return view;
  auto shards = shards_by_key(*view);
  if (!shards.ok()) return shards.error();
  auto keys = selected_keys(*selector, shards.value(), false);
  if (!keys.ok()) return keys.error();
  std::set<uint32_t> shard_ids;
  for (const auto& key : keys.value())
    for (uint32_t shard_id : shards->at(key)) shard_ids.insert(shard_id);
  return storage::restrict_to_shards(view, shard_ids);
}

Status route_writes(const storage::Collection& collection, const json::object& body,
                    std::vector<storage::UpdateOperation>& operations) {
  if (auto st = check_shard_key_field(body); !st.ok()) return st;
  const json::value* selector = selector_of(body);
  if (!custom_sharding(collection)) {
    if (!selector) return {};
    // An auto-sharded collection has no keys: every key named is unknown.
    auto keys = selected_keys(*selector, {}, true);
    if (!keys.ok()) return keys.error();
    return {};
  }
  if (!selector) return Error::bad_input("Shard key not specified");
  auto view = collection.view();
  auto shards = shards_by_key(*view);
  if (!shards.ok()) return shards.error();
  auto keys = selected_keys(*selector, shards.value(), true);
  if (!keys.ok()) return keys.error();
  if (keys->empty()) return Error::bad_input("Shard key not specified");
  // A point goes to one shard of the first key named (the id space is the collection's).
  const std::vector<uint32_t>& key_shards = shards->at(keys->front());
  std::vector<uint32_t> selected_shards;
  for (const auto& key : keys.value())
    for (uint32_t shard_id : shards->at(key)) selected_shards.push_back(shard_id);
  for (auto& operation : operations) {
    std::visit(
        [&](auto& op) {
          if constexpr (requires { op.selector.shard_ids; })
            op.selector.shard_ids = selected_shards;
        },
        operation);
    auto* upsert = std::get_if<storage::UpsertPoints>(&operation);
    if (!upsert) continue;
    upsert->shard_ids.clear();
    for (const auto& point : upsert->points)
      upsert->shard_ids.push_back(
          key_shards[storage::route_point(point.id, uint32_t(key_shards.size()))]);
  }
  return {};
}

void add_shard_keys(json::array& points, const storage::Collection& collection,
                    const storage::ReadView& view) {
  if (!custom_sharding(collection) || points.empty()) return;
  auto entries = storage::read_shard_keys(view);
  if (!entries.ok()) return;
  std::map<uint32_t, json::value> key_of_shard;
  for (const auto& entry : entries.value())
    key_of_shard[entry.shard_id] = shard_key_json(entry.key);
  for (auto& point : points) {
    if (!point.is_object()) continue;
    json::object& object = point.get_object();
    const json::value* id_value = object.if_contains("id");
    if (!id_value) continue;
    auto id = parse_point_id(*id_value);
    if (!id.ok()) continue;
    auto shard = storage::shard_of_point(view, id.value());
    if (!shard) continue;
    auto found = key_of_shard.find(*shard);
    if (found != key_of_shard.end()) object["shard_key"] = found->second;
  }
}

}  // namespace sextant::api
