// Named vector routes: Qdrant's VectorNameConfig body ({"dense": {...}} or {"sparse": {...}})
// -> typed vector parameters, then Storage's add/delete.
#include "api/handlers/vector_name_handlers.hpp"

#include "api/config/config_sections_json.hpp"
#include "api/handler_support.hpp"

namespace sextant::api {
namespace json = boost::json;

namespace {

constexpr char kNoVariant[] = "data did not match any variant of untagged enum VectorNameConfig";

// The fields of Qdrant's DenseVectorConfig / SparseVectorConfig, read by the collection
// configuration parsers (the other VectorParams fields are not part of this request).
Result<storage::NewVectorName> parse_vector_name_config(const json::object& body,
                                                        const std::string& name) {
  if (const json::value* dense = body.if_contains("dense")) {
    if (!dense->is_object()) return Error::format(kNoVariant);
    json::object params;
    for (const char* field : {"size", "distance", "multivector_config", "datatype"})
      if (const json::value* v = dense->get_object().if_contains(field)) params[field] = *v;
    if (!params.contains("size") || !params.contains("distance")) return Error::format(kNoVariant);
    auto parsed = parse_vector_params(params, "dense");
    if (!parsed.ok()) return parsed.error();
    parsed->name = name;
    return storage::NewVectorName(std::move(parsed.value()));
  }
  if (const json::value* sparse = body.if_contains("sparse")) {
    if (!sparse->is_object()) return Error::format(kNoVariant);
    json::object params;
    const auto& fields = sparse->get_object();
    if (const json::value* m = fields.if_contains("modifier")) params["modifier"] = *m;
    if (const json::value* d = fields.if_contains("datatype"); d && !d->is_null())
      params["index"] = json::object{{"datatype", *d}};
    auto parsed = parse_sparse_params(name, params);
    if (!parsed.ok()) return parsed.error();
    return storage::NewVectorName(std::move(parsed.value()));
  }
  return Error::format(kNoVariant);
}

json::value update_result(bool wait) {
  return json::object{{"operation_id", 0}, {"status", wait ? "completed" : "acknowledged"}};
}

Result<json::value> create_vector_name(ApiContext& context, Request& request) {
  const std::string& vector_name = request.path_params[1];
  if (auto st = check_vector_name(vector_name); !st.ok()) return st.error();
  auto wait = wait_flag(request);
  if (!wait.ok()) return wait.error();
  auto body = parse_object_body(request);
  if (!body.ok()) return body.error();
  auto vector = parse_vector_name_config(body.value(), vector_name);
  if (!vector.ok()) return vector.error();
  if (auto st = context.storage.create_vector_name(request.path_params[0], vector.value());
      !st.ok())
    return st.error();
  return update_result(wait.value());
}

Result<json::value> delete_vector_name(ApiContext& context, Request& request) {
  const std::string& vector_name = request.path_params[1];
  if (auto st = check_vector_name(vector_name); !st.ok()) return st.error();
  auto wait = wait_flag(request);
  if (!wait.ok()) return wait.error();
  if (auto st = context.storage.delete_vector_name(request.path_params[0], vector_name); !st.ok())
    return st.error();
  return update_result(wait.value());
}

}  // namespace

void register_vector_name_routes(Router& router, ApiContext& context) {
  ApiContext* ctx = &context;
  router.add({HttpMethod::kPut, "/collections/{collection_name}/vectors/{vector_name}",
              [ctx](Request& r) { return respond([&] { return create_vector_name(*ctx, r); }); },
              true});
  router.add({HttpMethod::kDelete, "/collections/{collection_name}/vectors/{vector_name}",
              [ctx](Request& r) { return respond([&] { return delete_vector_name(*ctx, r); }); },
              true});
}

}  // namespace sextant::api
