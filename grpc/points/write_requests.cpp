// Point writes (upsert, delete, vectors, payload, field indexes, vector names) -> REST calls.
#include <boost/json/serialize.hpp>
#include <cctype>
#include <optional>

#include "grpc/points/filter_to_json.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"
#include "grpc/points/selectors_to_json.hpp"
#include "grpc/points/value_json.hpp"
#include "grpc/points/vectors_to_json.hpp"

// The deprecated `on_disk` index option clients still send is read on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace sextant::grpc_wire::points {
namespace json = boost::json;

namespace {

template <class Request>
EngineCall write_call(api::HttpMethod method, const Request& request, const std::string& suffix,
                      const json::object& body) {
  EngineCall call{method, collection_path(request.collection_name(), suffix), {}, ""};
  write_params_into(
      request.has_wait() ? std::optional<bool>(request.wait()) : std::nullopt,
      request.has_ordering() ? &request.ordering() : nullptr,
      request.has_timeout() ? std::optional<std::uint64_t>(request.timeout()) : std::nullopt,
      call.query);
  call.body = json::serialize(body);
  return call;
}

template <class Request>
void shard_key_into(const Request& request, json::object& body) {
  if (request.has_shard_key_selector())
    body["shard_key"] = shard_key_selector_to_json(request.shard_key_selector());
}

json::value tokenizer_to_json(int tokenizer) {
  switch (tokenizer) {
    case qdrant::Prefix:
      return "prefix";
    case qdrant::Whitespace:
      return "whitespace";
    case qdrant::Word:
      return "word";
    case qdrant::Multilingual:
      return "multilingual";
  }
  throw InvalidProto("unknown tokenizer type");
}

json::value memory_to_json(int memory) {
  switch (memory) {
    case qdrant::Cold:
      return "cold";
    case qdrant::Cached:
      return "cached";
    case qdrant::Pinned:
      return "pinned";
  }
  throw InvalidProto("Cannot convert memory placement: " + std::to_string(memory));
}

// The options every index kind may carry.
template <class Params>
void common_index_options(const Params& params, json::object& schema) {
  if (params.has_on_disk()) schema["on_disk"] = params.on_disk();
  if (params.has_enable_hnsw()) schema["enable_hnsw"] = params.enable_hnsw();
  if (params.has_memory()) schema["memory"] = memory_to_json(params.memory());
}

json::object text_index_schema(const qdrant::TextIndexParams& text) {
  json::object schema{{"type", "text"}, {"tokenizer", tokenizer_to_json(text.tokenizer())}};
  if (text.has_lowercase()) schema["lowercase"] = text.lowercase();
  if (text.has_min_token_len()) schema["min_token_len"] = text.min_token_len();
  if (text.has_max_token_len()) schema["max_token_len"] = text.max_token_len();
  if (text.has_phrase_matching()) schema["phrase_matching"] = text.phrase_matching();
  if (text.has_ascii_folding()) schema["ascii_folding"] = text.ascii_folding();
  if (text.has_stopwords()) {
    json::object stopwords;
    json::array languages, custom;
    for (const auto& language : text.stopwords().languages())
      languages.push_back(json::string(language));
    for (const auto& word : text.stopwords().custom()) custom.push_back(json::string(word));
    stopwords["languages"] = std::move(languages);
    stopwords["custom"] = std::move(custom);
    schema["stopwords"] = std::move(stopwords);
  }
  if (text.has_stemmer() && text.stemmer().has_snowball())
    schema["stemmer"] =
        json::object{{"type", "snowball"}, {"language", text.stemmer().snowball().language()}};
  common_index_options(text, schema);
  return schema;
}

json::value index_params_schema(const qdrant::PayloadIndexParams& params) {
  using P = qdrant::PayloadIndexParams;
  json::object schema;
  switch (params.index_params_case()) {
    case P::kKeywordIndexParams: {
      const auto& keyword = params.keyword_index_params();
      schema["type"] = "keyword";
      if (keyword.has_is_tenant()) schema["is_tenant"] = keyword.is_tenant();
      if (keyword.has_prefix()) schema["prefix"] = true;
      common_index_options(keyword, schema);
      return schema;
    }
    case P::kIntegerIndexParams: {
      const auto& integer = params.integer_index_params();
      schema["type"] = "integer";
      if (integer.has_lookup()) schema["lookup"] = integer.lookup();
      if (integer.has_range()) schema["range"] = integer.range();
      if (integer.has_is_principal()) schema["is_principal"] = integer.is_principal();
      common_index_options(integer, schema);
      return schema;
    }
    case P::kFloatIndexParams:
      schema["type"] = "float";
      if (params.float_index_params().has_is_principal())
        schema["is_principal"] = params.float_index_params().is_principal();
      common_index_options(params.float_index_params(), schema);
      return schema;
    case P::kGeoIndexParams:
      schema["type"] = "geo";
      common_index_options(params.geo_index_params(), schema);
      return schema;
    case P::kTextIndexParams:
      return text_index_schema(params.text_index_params());
    case P::kBoolIndexParams:
      schema["type"] = "bool";
      common_index_options(params.bool_index_params(), schema);
      return schema;
    case P::kDatetimeIndexParams:
      schema["type"] = "datetime";
      if (params.datetime_index_params().has_is_principal())
        schema["is_principal"] = params.datetime_index_params().is_principal();
      common_index_options(params.datetime_index_params(), schema);
      return schema;
    case P::kUuidIndexParams:
      schema["type"] = "uuid";
      if (params.uuid_index_params().has_is_tenant())
        schema["is_tenant"] = params.uuid_index_params().is_tenant();
      common_index_options(params.uuid_index_params(), schema);
      return schema;
    case P::INDEX_PARAMS_NOT_SET:
      break;
  }
  throw InvalidProto("Malformed payload index params");
}

json::value field_type_to_json(int type) {
  switch (type) {
    case qdrant::FieldTypeKeyword:
      return "keyword";
    case qdrant::FieldTypeInteger:
      return "integer";
    case qdrant::FieldTypeFloat:
      return "float";
    case qdrant::FieldTypeGeo:
      return "geo";
    case qdrant::FieldTypeText:
      return "text";
    case qdrant::FieldTypeBool:
      return "bool";
    case qdrant::FieldTypeDatetime:
      return "datetime";
    case qdrant::FieldTypeUuid:
      return "uuid";
  }
  throw InvalidProto("Unknown field type: " + std::to_string(type));
}

}  // namespace

// As Qdrant reads a CreateFieldIndexCollection: `field_type` is required; `field_index_params`
// must be of that type; an unknown type with no params creates an index of the inferred type.
static std::optional<json::value> field_schema_to_json(
    const qdrant::CreateFieldIndexCollection& request) {
  if (!request.has_field_type()) throw InvalidProto("cannot convert field_type");
  const bool known_type = qdrant::FieldType_IsValid(request.field_type());
  const bool has_params =
      request.has_field_index_params() && request.field_index_params().index_params_case() !=
                                              qdrant::PayloadIndexParams::INDEX_PARAMS_NOT_SET;
  if (!known_type) {
    if (request.has_field_index_params()) throw InvalidProto("field type is missing");
    return std::nullopt;
  }
  json::value type = field_type_to_json(request.field_type());
  if (!has_params) return type;
  json::value schema = index_params_schema(request.field_index_params());
  if (schema.at("type") != type) {
    std::string name = qdrant::FieldType_Name(request.field_type());
    throw InvalidProto("field_type (" + name.substr(std::string("FieldType").size()) +
                       ") and field_index_params do not match");
  }
  return schema;
}

json::array point_vectors_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::PointVectors>& points) {
  json::array items;
  for (const auto& point : points) {
    if (!point.has_id()) throw InvalidProto("id is expected");
    if (!point.has_vectors()) throw InvalidProto("vectors is expected");
    items.push_back(json::object{{"id", point_id_to_json(point.id())},
                                 {"vector", vectors_to_json(point.vectors())}});
  }
  return items;
}

json::array vector_names(const qdrant::VectorsSelector& selector) {
  json::array names;
  for (const auto& name : selector.names()) names.push_back(json::string(name));
  return names;
}

std::string collection_path(const std::string& collection_name, const std::string& suffix) {
  // Qdrant validates the name before anything else, with these texts.
  if (collection_name.empty() || collection_name.size() > 255)
    throw InvalidProto("Validation error in body: [collection_name: value \"" + collection_name +
                       "\" invalid, must be from 1 to 255 characters]");
  if (collection_name.find('/') != std::string::npos)
    throw InvalidProto(
        "Validation error in body: [collection_name: collection name cannot contain \"/\" char]");
  return "/collections/" + collection_name + suffix;
}

json::array point_structs_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::PointStruct>& points) {
  json::array items;
  items.reserve(points.size());
  for (const auto& point : points) {
    if (!point.has_vectors()) throw InvalidProto("Expected some vectors");
    if (!point.has_id()) throw InvalidProto("Empty ID is not allowed");
    json::object item{{"id", point_id_to_json(point.id())},
                      {"vector", vectors_to_json(point.vectors())}};
    if (!point.payload().empty()) item["payload"] = payload_to_json(point.payload());
    items.push_back(std::move(item));
  }
  return items;
}

EngineCall to_call(const qdrant::UpsertPoints& request) {
  json::object body{{"points", point_structs_to_json(request.points())}};
  shard_key_into(request, body);
  if (request.has_update_filter()) body["update_filter"] = filter_to_json(request.update_filter());
  if (request.has_update_mode()) body["update_mode"] = update_mode_to_json(request.update_mode());
  return write_call(api::HttpMethod::kPut, request, "/points", body);
}

EngineCall to_call(const qdrant::DeletePoints& request) {
  json::object body;
  if (!request.has_points()) throw InvalidProto("PointSelector is missing");
  points_selector_into(request.points(), body);
  shard_key_into(request, body);
  return write_call(api::HttpMethod::kPost, request, "/points/delete", body);
}

EngineCall to_call(const qdrant::UpdatePointVectors& request) {
  json::object body{{"points", point_vectors_to_json(request.points())}};
  shard_key_into(request, body);
  if (request.has_update_filter()) body["update_filter"] = filter_to_json(request.update_filter());
  return write_call(api::HttpMethod::kPut, request, "/points/vectors", body);
}

EngineCall to_call(const qdrant::DeletePointVectors& request) {
  if (!request.has_points_selector()) throw InvalidProto("points_selector is expected");
  if (!request.has_vectors()) throw InvalidProto("vectors is expected");
  json::object body{{"vector", vector_names(request.vectors())}};
  points_selector_into(request.points_selector(), body);
  shard_key_into(request, body);
  return write_call(api::HttpMethod::kPost, request, "/points/vectors/delete", body);
}

EngineCall set_payload_call(const qdrant::SetPayloadPoints& request, bool overwrite) {
  if (!request.has_points_selector()) throw InvalidProto("points_selector is expected");
  json::object body{{"payload", payload_to_json(request.payload())}};
  points_selector_into(request.points_selector(), body);
  if (request.has_key()) body["key"] = request.key();
  shard_key_into(request, body);
  return write_call(overwrite ? api::HttpMethod::kPut : api::HttpMethod::kPost, request,
                    "/points/payload", body);
}

EngineCall to_call(const qdrant::DeletePayloadPoints& request) {
  json::array keys;
  for (const auto& key : request.keys()) keys.push_back(json::string(key));
  if (!request.has_points_selector()) throw InvalidProto("points_selector is expected");
  json::object body{{"keys", std::move(keys)}};
  points_selector_into(request.points_selector(), body);
  shard_key_into(request, body);
  return write_call(api::HttpMethod::kPost, request, "/points/payload/delete", body);
}

EngineCall to_call(const qdrant::ClearPayloadPoints& request) {
  if (!request.has_points()) throw InvalidProto("PointSelector is missing");
  json::object body;
  points_selector_into(request.points(), body);
  shard_key_into(request, body);
  return write_call(api::HttpMethod::kPost, request, "/points/payload/clear", body);
}

EngineCall to_call(const qdrant::CreateFieldIndexCollection& request) {
  json::object body{{"field_name", request.field_name()}};
  if (auto schema = field_schema_to_json(request)) body["field_schema"] = std::move(*schema);
  return write_call(api::HttpMethod::kPut, request, "/index", body);
}

EngineCall to_call(const qdrant::DeleteFieldIndexCollection& request) {
  EngineCall call = write_call(api::HttpMethod::kDelete, request, "/index/" + request.field_name(),
                               json::object{});
  call.body.clear();
  return call;
}

EngineCall to_call(const qdrant::CreateVectorNameRequest& request) {
  json::object body;
  if (request.has_dense_config()) {
    const auto& dense = request.dense_config();
    json::object params{{"size", dense.size()},
                        {"distance", qdrant::Distance_Name(dense.distance())}};
    if (dense.has_multivector_config())
      params["multivector_config"] = json::object{{"comparator", "max_sim"}};
    if (dense.distance() == qdrant::UnknownDistance)
      throw InvalidProto("Malformed distance parameter: UnknownDistance");
    if (!qdrant::Distance_IsValid(dense.distance()))
      throw InvalidProto("Malformed distance parameter, unexpected value: " +
                         std::to_string(dense.distance()));
    if (dense.has_datatype() && dense.datatype() != qdrant::Default) {
      std::string datatype = qdrant::Datatype_Name(dense.datatype());
      for (auto& c : datatype) c = static_cast<char>(std::tolower(c));
      params["datatype"] = datatype;
    }
    body["dense"] = std::move(params);
  } else if (request.has_sparse_config()) {
    json::object params;
    if (request.sparse_config().has_modifier())
      params["modifier"] = request.sparse_config().modifier() == qdrant::Idf ? json::value("idf")
                                                                             : json::value("none");
    if (request.sparse_config().has_datatype() &&
        request.sparse_config().datatype() != qdrant::Default) {
      std::string datatype = qdrant::Datatype_Name(request.sparse_config().datatype());
      for (auto& c : datatype) c = static_cast<char>(std::tolower(c));
      params["datatype"] = datatype;
    }
    body["sparse"] = std::move(params);
  } else {
    throw InvalidProto("vector_config is required (dense_config or sparse_config)");
  }
  return write_call(api::HttpMethod::kPut, request, "/vectors/" + request.vector_name(), body);
}

EngineCall to_call(const qdrant::DeleteVectorNameRequest& request) {
  EngineCall call = write_call(api::HttpMethod::kDelete, request,
                               "/vectors/" + request.vector_name(), json::object{});
  call.body.clear();
  return call;
}

}  // namespace sextant::grpc_wire::points
