// UpdateBatch: PointsUpdateOperation list -> the REST /points/batch {"operations": [...]} body.
#include <boost/json/serialize.hpp>

#include "grpc/points/filter_to_json.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"
#include "grpc/points/selectors_to_json.hpp"
#include "grpc/points/value_json.hpp"

// The deprecated fields clients still send are read on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

using Operation = qdrant::PointsUpdateOperation;

template <class Part>
void shard_key_into(const Part& part, json::object& body) {
  if (part.has_shard_key_selector())
    body["shard_key"] = shard_key_selector_to_json(part.shard_key_selector());
}

template <class Part>
json::object payload_operation(const Part& part) {
  json::object body{{"payload", payload_to_json(part.payload())}};
  if (part.has_points_selector()) points_selector_into(part.points_selector(), body);
  if (part.has_key()) body["key"] = part.key();
  shard_key_into(part, body);
  return body;
}

json::object operation_to_json(const Operation& operation) {
  switch (operation.operation_case()) {
    case Operation::kUpsert: {
      const auto& upsert = operation.upsert();
      json::object body{{"points", point_structs_to_json(upsert.points())}};
      shard_key_into(upsert, body);
      if (upsert.has_update_filter())
        body["update_filter"] = filter_to_json(upsert.update_filter());
      if (upsert.has_update_mode()) body["update_mode"] = update_mode_to_json(upsert.update_mode());
      return {{"upsert", std::move(body)}};
    }
    case Operation::kDeleteDeprecated: {
      json::object body;
      points_selector_into(operation.delete_deprecated(), body);
      return {{"delete", std::move(body)}};
    }
    case Operation::kSetPayload:
      return {{"set_payload", payload_operation(operation.set_payload())}};
    case Operation::kOverwritePayload:
      return {{"overwrite_payload", payload_operation(operation.overwrite_payload())}};
    case Operation::kDeletePayload: {
      const auto& part = operation.delete_payload();
      json::array keys;
      for (const auto& key : part.keys()) keys.push_back(json::string(key));
      json::object body{{"keys", std::move(keys)}};
      if (part.has_points_selector()) points_selector_into(part.points_selector(), body);
      shard_key_into(part, body);
      return {{"delete_payload", std::move(body)}};
    }
    case Operation::kClearPayloadDeprecated: {
      json::object body;
      points_selector_into(operation.clear_payload_deprecated(), body);
      return {{"clear_payload", std::move(body)}};
    }
    case Operation::kUpdateVectors: {
      const auto& part = operation.update_vectors();
      json::object body{{"points", point_vectors_to_json(part.points())}};
      shard_key_into(part, body);
      if (part.has_update_filter()) body["update_filter"] = filter_to_json(part.update_filter());
      return {{"update_vectors", std::move(body)}};
    }
    case Operation::kDeleteVectors: {
      const auto& part = operation.delete_vectors();
      json::object body{{"vector", vector_names(part.vectors())}};
      points_selector_into(part.points_selector(), body);
      shard_key_into(part, body);
      return {{"delete_vectors", std::move(body)}};
    }
    case Operation::kDeletePoints: {
      const auto& part = operation.delete_points();
      json::object body;
      points_selector_into(part.points(), body);
      shard_key_into(part, body);
      return {{"delete", std::move(body)}};
    }
    case Operation::kClearPayload: {
      const auto& part = operation.clear_payload();
      json::object body;
      points_selector_into(part.points(), body);
      shard_key_into(part, body);
      return {{"clear_payload", std::move(body)}};
    }
    case Operation::OPERATION_NOT_SET:
      break;
  }
  throw InvalidProto("Operation is missing");
}

}  // namespace

EngineCall to_call(const qdrant::UpdateBatchPoints& request) {
  json::array operations;
  for (const auto& operation : request.operations())
    operations.push_back(operation_to_json(operation));
  EngineCall call{
      api::HttpMethod::kPost, collection_path(request.collection_name(), "/points/batch"), {}, ""};
  write_params_into(
      request.has_wait() ? std::optional<bool>(request.wait()) : std::nullopt,
      request.has_ordering() ? &request.ordering() : nullptr,
      request.has_timeout() ? std::optional<std::uint64_t>(request.timeout()) : std::nullopt,
      call.query);
  call.body = json::serialize(json::object{{"operations", std::move(operations)}});
  return call;
}

}  // namespace sextant::grpc_wire::points
