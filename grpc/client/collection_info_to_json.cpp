// CollectionInfo as REST's collection info (see collection_info_to_json.hpp).
#include "grpc/client/collection_info_to_json.hpp"

#include <boost/json.hpp>
#include <string>

#include "grpc/proto_json.hpp"

namespace sextant::grpc_wire::client {

namespace json = boost::json;

namespace {

void adapt_optimizer_status(json::object& info) {
  json::value* status = info.if_contains("optimizer_status");
  if (!status || !status->is_object()) return;
  const json::value* ok = status->as_object().if_contains("ok");
  if (ok && ok->is_bool() && ok->as_bool()) {
    *status = "ok";
    return;
  }
  const json::value* error = status->as_object().if_contains("error");
  *status = json::object{{"error", error ? *error : json::value("")}};
}

// {"keyword_index_params": {...}} -> {"type": "keyword", ...}
void adapt_payload_schema(json::object& info) {
  json::value* schema = info.if_contains("payload_schema");
  if (!schema || !schema->is_object()) return;
  static const std::string kSuffix = "_index_params";
  for (auto& [field, entry] : schema->as_object()) {
    json::value* params = entry.is_object() ? entry.as_object().if_contains("params") : nullptr;
    if (!params || !params->is_object() || params->as_object().size() != 1) continue;
    auto& [member, member_params] = *params->as_object().begin();
    std::string name(member);
    if (name.size() <= kSuffix.size() ||
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0 ||
        !member_params.is_object()) {
      continue;
    }
    json::object rest_params{{"type", name.substr(0, name.size() - kSuffix.size())}};
    for (const auto& [key, value] : member_params.as_object()) rest_params[key] = value;
    *params = std::move(rest_params);
  }
}

// Qdrant sends an unset max_optimization_threads as `auto` over gRPC (REST: null); both mean
// the same, so it stays unset here and the target keeps its default.
void adapt_optimizer_threads(json::object& info) {
  json::value* config = info.if_contains("config");
  json::value* optimizer =
      config && config->is_object() ? config->as_object().if_contains("optimizer_config") : nullptr;
  if (!optimizer || !optimizer->is_object()) return;
  optimizer->as_object().erase("deprecated_max_optimization_threads");
  const json::value* threads = optimizer->as_object().if_contains("max_optimization_threads");
  if (threads && threads->is_string() && threads->as_string() == "auto")
    optimizer->as_object().erase("max_optimization_threads");
}

}  // namespace

json::value collection_info_to_json(const qdrant::CollectionInfo& info) {
  json::value result = message_to_json(info);
  if (!result.is_object()) return result;
  adapt_optimizer_status(result.as_object());
  adapt_payload_schema(result.as_object());
  adapt_optimizer_threads(result.as_object());
  return result;
}

}  // namespace sextant::grpc_wire::client
