// See batch_write.hpp.
#include "server/cluster/batch_write.hpp"

#include <boost/json.hpp>
#include <string_view>

#include "server/cluster/filter_write.hpp"
#include "server/cluster/point_write_split.hpp"
#include "server/cluster/standalone_call.hpp"

namespace sextant::server {
namespace {

namespace json = boost::json;

struct OperationKind {
  std::string_view name;
  PointList points;        // what its `points` list holds
  bool selects_by_filter;  // a `filter` in place of `points` selects its points
};

constexpr OperationKind kOperationKinds[] = {
    {"upsert", PointList::kPointsOrBatch, false},  {"delete", PointList::kIds, true},
    {"set_payload", PointList::kIds, true},        {"overwrite_payload", PointList::kIds, true},
    {"delete_payload", PointList::kIds, true},     {"clear_payload", PointList::kIds, true},
    {"update_vectors", PointList::kPoints, false}, {"delete_vectors", PointList::kIds, true},
};

const OperationKind* kind_named(std::string_view name) {
  for (const OperationKind& kind : kOperationKinds)
    if (kind.name == name) return &kind;
  return nullptr;
}

// One item of `operations`: its kind and its arguments, refused with one node's texts.
Result<std::pair<const OperationKind*, const json::object*>> operation_of(const json::value& item) {
  if (!item.is_object() || item.get_object().size() != 1)
    return Error::format("data did not match any variant of untagged enum UpdateOperation");
  const auto& [name, arguments] = *item.get_object().begin();
  const OperationKind* kind = kind_named(name);
  if (!arguments.is_object()) return Error::format("invalid type: expected an operation object");
  if (!kind) return Error::format("unknown variant `" + std::string(name) + "`");
  return std::make_pair(kind, &arguments.get_object());
}

Result<const json::array*> operations_of(const json::object& body) {
  const auto* operations = body.if_contains("operations");
  if (!operations) return Error::format("missing field `operations`");
  if (!operations->is_array())
    return Error::format("invalid type: expected a sequence for `operations`");
  return &operations->get_array();
}

// Runs `operations` (when there are any) as one batch on the local collection.
Status apply_locally(const api::Handler& standalone_batch, const std::string& collection,
                     json::array& operations) {
  if (operations.empty()) return Status::ok_status();
  const std::string text = json::serialize(json::object{{"operations", std::move(operations)}});
  operations = json::array{};
  api::Request request = local_request(api::HttpMethod::kPost, collection, text);
  request.query["wait"] = "true";
  api::Response response = standalone_batch(request);
  if (response.status == 200) return Status::ok_status();
  return error_of(response);
}

}  // namespace

bool names_shard_key(const json::object& body) {
  const auto* shard_key = body.if_contains("shard_key");
  return shard_key && !shard_key->is_null();
}

Result<std::map<uint32_t, json::object>> split_batch_by_shard(
    const json::object& body, uint32_t shard_number,
    const std::function<Status(const json::value& filter)>& check_filter) {
  auto operations = operations_of(body);
  if (!operations.ok()) return operations.error();
  std::map<uint32_t, json::array> parts;  // by shard, in the batch's order
  for (const json::value& item : *operations.value()) {
    auto operation = operation_of(item);
    if (!operation.ok()) return operation.error();
    const auto [kind, arguments] = operation.value();
    if (names_shard_key(*arguments))
      return Error::bad_request("Writes naming a shard_key are not supported in cluster mode yet");
    if (kind->selects_by_filter && selects_by_filter(*arguments)) {
      if (Status checked = check_filter(arguments->at("filter")); !checked.ok())
        return checked.error();
      for (uint32_t shard_id = 0; shard_id < shard_number; ++shard_id)
        parts[shard_id].push_back(item);
      continue;
    }
    auto split = split_by_shard(*arguments, kind->points, shard_number);
    if (!split.ok()) return split.error();
    for (auto& [shard_id, shard_arguments] : split.value())
      parts[shard_id].push_back(json::object{{kind->name, std::move(shard_arguments)}});
  }
  std::map<uint32_t, json::object> by_shard;
  for (auto& [shard_id, part] : parts)
    by_shard[shard_id] = json::object{{"operations", std::move(part)}};
  return by_shard;
}

Status apply_batch(const api::Handler& standalone_batch, const api::Handler& local_scroll,
                   const std::string& collection, const json::object& body, uint32_t shard_id,
                   uint32_t shard_number) {
  auto operations = operations_of(body);
  if (!operations.ok()) return operations.error();
  json::array pending;  // operations by id not yet applied, in order
  for (const json::value& item : *operations.value()) {
    auto operation = operation_of(item);
    if (!operation.ok()) return operation.error();
    const auto [kind, arguments] = operation.value();
    if (!(kind->selects_by_filter && selects_by_filter(*arguments))) {
      pending.push_back(item);
      continue;
    }
    // The filter sees the batch's earlier operations: they are applied first.
    if (Status applied = apply_locally(standalone_batch, collection, pending); !applied.ok())
      return applied;
    auto ids = resolve_filter_to_ids(local_scroll, collection, arguments->at("filter"), shard_id,
                                     shard_number);
    if (!ids.ok()) return ids.error();
    if (ids.value().empty()) continue;  // no point of this shard matches
    pending.push_back(json::object{{kind->name, by_ids(*arguments, std::move(ids.value()))}});
  }
  return apply_locally(standalone_batch, collection, pending);
}

}  // namespace sextant::server
