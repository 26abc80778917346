#include "api/handlers/shard_handlers.hpp"

#include <algorithm>

#include "api/handler_support.hpp"
#include "api/handlers/shard_selection.hpp"
#include "api/parse/json_numbers.hpp"
#include "storage/shards.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

// The peer id this node reports for its local shards.
constexpr uint64_t kLocalPeerId = 0;

Result<storage::ShardKey> parse_shard_key_field(const json::object& body) {
  const json::value* value = body.if_contains("shard_key");
  if (!value) return Error::format("missing field `shard_key`");
  auto key = shard_key_from_json(*value);
  if (!key) return Error::format("data did not match any variant of untagged enum ShardKey");
  return std::move(*key);
}

// An optional nonzero u32 field; `fallback` when absent or null.
Result<uint32_t> nonzero_u32_field(const json::object& body, const char* name, uint32_t fallback) {
  const json::value* value = body.if_contains(name);
  if (!value || value->is_null()) return fallback;
  auto number = json_uint(*value);
  if (number && *number == 0)
    return Error::format("invalid value: integer `0`, expected a nonzero u32");
  if (!number || *number > UINT32_MAX)
    return Error::format(std::string("invalid type for `") + name + "`: expected a nonzero u32");
  return uint32_t(*number);
}

Status check_placement(const json::object& body) {
  const json::value* placement = body.if_contains("placement");
  if (!placement || placement->is_null()) return {};
  if (!placement->is_array())
    return Error::format("invalid type for `placement`: expected a sequence");
  for (const auto& peer : placement->get_array()) {
    auto peer_id = json_uint(peer);
    if (!peer_id) return Error::format("invalid type for `placement`: expected a u64");
    if (*peer_id != kLocalPeerId)
      return Error::bad_request("Peer " + std::to_string(*peer_id) + " does not exist");
  }
  return {};
}

// The shard ids of `key` in `view`, in creation order.
Result<std::vector<uint32_t>> shards_of_key(const storage::ReadView& view,
                                            const storage::ShardKey& key) {
  auto entries = storage::read_shard_keys(view);
  if (!entries.ok()) return entries.error();
  std::vector<uint32_t> shard_ids;
  for (const auto& entry : entries.value())
    if (entry.key == key) shard_ids.push_back(entry.shard_id);
  return shard_ids;
}

Result<json::value> create_shard_key(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto key = parse_shard_key_field(body.value());
  if (!key.ok()) return key.error();
  const auto config = collection.value()->config();
  auto shards_number =
      nonzero_u32_field(body.value(), "shards_number", uint32_t(config.params.shard_number));
  if (!shards_number.ok()) return shards_number.error();
  auto replication = nonzero_u32_field(body.value(), "replication_factor", 1);
  if (!replication.ok()) return replication.error();
  if (auto st = check_placement(body.value()); !st.ok()) return st.error();
  if (!custom_sharding(*collection.value()))
    return Error::bad_request("Shard Key cannot be created with Auto sharding method");
  auto existing = shards_of_key(*collection.value()->view(), key.value());
  if (!existing.ok()) return existing.error();
  if (!existing->empty())
    return Error::bad_request("Sharding key " + shard_key_text(key.value()) +
                              " already exists for collection " + request.path_params[0]);
  std::vector<storage::UpdateOperation> ops;
  ops.push_back(storage::CreateShardKey{key.value(), shards_number.value()});
  auto result = collection.value()->update(std::move(ops), true);
  if (!result.ok()) return result.error();
  return json::value(true);
}

Result<json::value> delete_shard_key(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto key = parse_shard_key_field(body.value());
  if (!key.ok()) return key.error();
  if (!custom_sharding(*collection.value()))  // Qdrant's text for both directions
    return Error::bad_request("Shard Key cannot be created with Auto sharding method");
  auto shard_ids = shards_of_key(*collection.value()->view(), key.value());
  if (!shard_ids.ok()) return shard_ids.error();
  if (shard_ids->empty())
    return Error::bad_request("Sharding key " + shard_key_text(key.value()) +
                              " does not exist for collection " + request.path_params[0]);
  std::vector<storage::UpdateOperation> ops;
  ops.push_back(storage::DeleteShardKey{std::move(shard_ids.value())});
  auto result = collection.value()->update(std::move(ops), true);
  if (!result.ok()) return result.error();
  return json::value(true);
}

Result<json::value> list_shard_keys(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  if (!custom_sharding(*collection.value())) return json::value(json::object{});
  auto entries = storage::read_shard_keys(*collection.value()->view());
  if (!entries.ok()) return entries.error();
  json::array keys;
  std::vector<storage::ShardKey> seen;
  for (const auto& entry : entries.value()) {  // by shard id: creation order
    if (std::find(seen.begin(), seen.end(), entry.key) != seen.end()) continue;
    seen.push_back(entry.key);
    keys.push_back(json::object{{"key", shard_key_json(entry.key)}});
  }
  return json::value(json::object{{"shard_keys", std::move(keys)}});
}

Result<json::value> collection_cluster(ApiContext& context, Request& request) {
  auto collection = context.storage.collection(request.path_params[0]);
  if (!collection.ok()) return collection.error();
  const auto config = collection.value()->config();
  auto shards =
      storage::local_shards(*collection.value()->view(), custom_sharding(*collection.value()),
                            uint32_t(config.params.shard_number));
  if (!shards.ok()) return shards.error();
  json::array local;
  for (const auto& shard : shards.value()) {
    json::object entry{{"shard_id", shard.shard_id}};
    if (shard.key) entry["shard_key"] = shard_key_json(*shard.key);
    entry["points_count"] = shard.points_count;
    entry["state"] = "Active";
    local.push_back(std::move(entry));
  }
  const size_t shard_count = local.size();
  return json::value(json::object{{"peer_id", kLocalPeerId},
                                  {"shard_count", shard_count},
                                  {"local_shards", std::move(local)},
                                  {"remote_shards", json::array{}},
                                  {"shard_transfers", json::array{}}});
}

}  // namespace

void register_shard_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kPut, "/collections/{collection_name}/shards",
              [ctx](Request& r) { return respond([&] { return create_shard_key(*ctx, r); }); },
              true});
  router.add({HttpMethod::kPost, "/collections/{collection_name}/shards/delete",
              [ctx](Request& r) { return respond([&] { return delete_shard_key(*ctx, r); }); },
              true});
  router.add({HttpMethod::kGet, "/collections/{collection_name}/shards",
              [ctx](Request& r) { return respond([&] { return list_shard_keys(*ctx, r); }); }});
  router.add({HttpMethod::kGet, "/collections/{collection_name}/cluster",
              [ctx](Request& r) { return respond([&] { return collection_cluster(*ctx, r); }); }});
}

}  // namespace sextant::api
