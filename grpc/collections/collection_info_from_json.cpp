// The REST collection info as the CollectionInfo message.
#include "grpc/collections/collection_info_from_json.hpp"

#include "grpc/proto_json.hpp"

namespace sextant::grpc_wire {

namespace {

void adapt_optimizer_status(boost::json::object& info) {
  boost::json::value* status = info.if_contains("optimizer_status");
  if (!status) return;
  if (status->is_string()) {
    *status = boost::json::object{{"ok", status->get_string() == "ok"}};
  } else if (status->is_object()) {
    boost::json::object adapted{{"ok", false}};
    if (const auto* error = status->get_object().if_contains("error")) adapted["error"] = *error;
    *status = std::move(adapted);
  }
}

void adapt_payload_schema(boost::json::object& info) {
  boost::json::value* schema = info.if_contains("payload_schema");
  if (!schema || !schema->is_object()) return;
  for (auto& [field, entry] : schema->get_object()) {
    if (!entry.is_object()) continue;
    boost::json::value* params = entry.get_object().if_contains("params");
    if (!params || !params->is_object()) continue;
    boost::json::object index_params = params->get_object();
    const boost::json::value* type = index_params.if_contains("type");
    if (!type || !type->is_string()) continue;
    std::string member = std::string(type->get_string()) + "_index_params";
    index_params.erase("type");
    *params = boost::json::object{{member, std::move(index_params)}};
  }
}

// Qdrant's answer repeats a numeric max_optimization_threads in the deprecated field.
void fill_deprecated_optimizer_threads(boost::json::object& info) {
  boost::json::value* config = info.if_contains("config");
  if (!config || !config->is_object()) return;
  boost::json::value* optimizer = config->get_object().if_contains("optimizer_config");
  if (!optimizer || !optimizer->is_object()) return;
  const boost::json::value* threads =
      optimizer->get_object().if_contains("max_optimization_threads");
  if (threads && (threads->is_int64() || threads->is_uint64()))
    optimizer->get_object()["deprecated_max_optimization_threads"] = *threads;
}

}  // namespace

bool collection_info_from_json(const boost::json::value& result, qdrant::CollectionInfo* info,
                               std::string* error) {
  if (!result.is_object()) {
    *error = "collection info is not an object";
    return false;
  }
  boost::json::value adapted = result;
  adapt_optimizer_status(adapted.get_object());
  adapt_payload_schema(adapted.get_object());
  fill_deprecated_optimizer_threads(adapted.get_object());
  return json_to_message(adapted, info, error);
}

}  // namespace sextant::grpc_wire
