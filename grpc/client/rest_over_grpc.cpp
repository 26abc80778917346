// RestOverGrpc: the channel, the retries and the mapping of each REST request onto its RPC.
#include "grpc/client/rest_over_grpc.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "collections_service.grpc.pb.h"
#include "grpc/client/collection_info_to_json.hpp"
#include "grpc/client/point_json.hpp"
#include "grpc/points/value_json.hpp"
#include "grpc/proto_json.hpp"
#include "points_service.grpc.pb.h"

namespace sextant::grpc_wire::client {

namespace json = boost::json;

struct RestOverGrpc::Stubs {
  std::unique_ptr<qdrant::Collections::Stub> collections;
  std::unique_ptr<qdrant::Points::Stub> points;
};

namespace {

constexpr const char* kGrpcScheme = "grpc://";
constexpr const char* kGrpcsScheme = "grpcs://";

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

int http_status_of(::grpc::StatusCode code) {
  switch (code) {
    case ::grpc::StatusCode::OK:
      return 200;
    case ::grpc::StatusCode::NOT_FOUND:
      return 404;
    case ::grpc::StatusCode::INVALID_ARGUMENT:
    case ::grpc::StatusCode::FAILED_PRECONDITION:
    case ::grpc::StatusCode::OUT_OF_RANGE:
    case ::grpc::StatusCode::ALREADY_EXISTS:
      return 400;
    case ::grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case ::grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case ::grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case ::grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case ::grpc::StatusCode::UNAVAILABLE:
      return 503;
    case ::grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

bool retryable(::grpc::StatusCode code) {
  return code == ::grpc::StatusCode::UNAVAILABLE || code == ::grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == ::grpc::StatusCode::RESOURCE_EXHAUSTED;
}

RestAnswer error_answer(int status, const std::string& message) {
  return {status, json::serialize(json::object{{"status", {{"error", message}}}})};
}

RestAnswer ok_answer(json::value result) {
  return {200, json::serialize(json::object{{"result", std::move(result)}, {"status", "ok"}})};
}

std::string percent_decoded(const std::string& text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

// "/collections/a%20b/points?wait=true" -> {"collections", "a b", "points"}, {"wait=true"}
void split_target(const std::string& target, std::vector<std::string>* segments,
                  std::string* query) {
  size_t question = target.find('?');
  std::string path = target.substr(0, question);
  if (question != std::string::npos) *query = target.substr(question + 1);
  std::stringstream stream(path);
  std::string segment;
  while (std::getline(stream, segment, '/')) {
    if (!segment.empty()) segments->push_back(percent_decoded(segment));
  }
}

bool query_says_wait(const std::string& query) {
  return query.find("wait=true") != std::string::npos;
}

// The keys of a request body this mapping understands; anything else is refused.
bool only_known_keys(const json::object& body, std::initializer_list<const char*> known,
                     std::string* unknown) {
  for (const auto& member : body) {
    if (member.value().is_null()) continue;
    const std::string_view key = member.key();
    if (std::none_of(known.begin(), known.end(), [key](const char* k) { return key == k; })) {
      *unknown = std::string(key);
      return false;
    }
  }
  return true;
}

bool flag(const json::object& body, const char* key) {
  const json::value* value = body.if_contains(key);
  return value && value->is_bool() && value->as_bool();
}

uint64_t number_or(const json::object& body, const char* key, uint64_t fallback) {
  const json::value* value = body.if_contains(key);
  return value && value->is_number() ? value->to_number<uint64_t>() : fallback;
}

// Dispatches one request; `call` runs an RPC with a fresh ClientContext and its retries.
class Mapping {
 public:
  Mapping(RestOverGrpc::Stubs& stubs, const GrpcEndpointOptions& options)
      : stubs_(stubs), options_(options) {}

  RestAnswer route(const std::string& method, const std::vector<std::string>& path,
                   const std::string& query, const json::object& body) {
    const size_t n = path.size();
    if (n == 1 && path[0] == "aliases" && method == "GET") return list_aliases();
    if (n >= 1 && path[0] == "collections") {
      if (n == 1 && method == "GET") return list_collections();
      if (n == 2 && path[1] == "aliases" && method == "POST") return update_aliases(body);
      if (n == 2 && method == "GET") return get_collection(path[1]);
      if (n == 2 && method == "PUT") return create_collection(path[1], body);
      if (n == 3 && path[2] == "cluster" && method == "GET") return cluster_info(path[1]);
      if (n == 3 && path[2] == "shards" && method == "PUT") return create_shard_key(path[1], body);
      if (n == 3 && path[2] == "index" && method == "PUT")
        return create_field_index(path[1], query, body);
      if (n == 3 && path[2] == "points" && method == "PUT") return upsert(path[1], query, body);
      if (n == 3 && path[2] == "points" && method == "POST") return get_points(path[1], body);
      if (n == 4 && path[2] == "points" && method == "POST") {
        if (path[3] == "count") return count(path[1], body);
        if (path[3] == "scroll") return scroll(path[1], body);
        if (path[3] == "query") return query_points(path[1], body);
      }
    }
    std::string joined;
    for (const auto& segment : path) joined += "/" + segment;
    return error_answer(501, method + " " + joined + " has no gRPC equivalent in sextant migrate");
  }

 private:
  template <typename Call>
  ::grpc::Status call(Call&& rpc) {
    auto backoff = std::chrono::milliseconds(500);
    for (int attempt = 0;; ++attempt) {
      ::grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
      if (!options_.api_key.empty()) context.AddMetadata("api-key", options_.api_key);
      ::grpc::Status status = rpc(&context);
      if (status.ok() || !retryable(status.error_code()) || attempt >= options_.retries)
        return status;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(8000));
    }
  }

  static RestAnswer failed(const ::grpc::Status& status) {
    return error_answer(http_status_of(status.error_code()), status.error_message());
  }

  RestAnswer list_collections() {
    qdrant::ListCollectionsRequest request;
    qdrant::ListCollectionsResponse response;
    auto status =
        call([&](auto* context) { return stubs_.collections->List(context, request, &response); });
    if (!status.ok()) return failed(status);
    json::array names;
    for (const auto& description : response.collections())
      names.push_back(json::object{{"name", description.name()}});
    return ok_answer(json::object{{"collections", std::move(names)}});
  }

  RestAnswer get_collection(const std::string& name) {
    qdrant::GetCollectionInfoRequest request;
    request.set_collection_name(name);
    qdrant::GetCollectionInfoResponse response;
    auto status =
        call([&](auto* context) { return stubs_.collections->Get(context, request, &response); });
    if (!status.ok()) return failed(status);
    return ok_answer(collection_info_to_json(response.result()));
  }

  RestAnswer create_collection(const std::string& name, const json::object& body) {
    qdrant::CreateCollection request;
    std::string error;
    if (!json_to_message(body, &request, &error)) return error_answer(400, error);
    request.set_collection_name(name);
    qdrant::CollectionOperationResponse response;
    auto status = call(
        [&](auto* context) { return stubs_.collections->Create(context, request, &response); });
    if (!status.ok()) return failed(status);
    return ok_answer(response.result());
  }

  RestAnswer cluster_info(const std::string& name) {
    qdrant::CollectionClusterInfoRequest request;
    request.set_collection_name(name);
    qdrant::CollectionClusterInfoResponse response;
    auto status = call([&](auto* context) {
      return stubs_.collections->CollectionClusterInfo(context, request, &response);
    });
    if (!status.ok()) return failed(status);
    return ok_answer(message_to_json(response));
  }

  RestAnswer create_shard_key(const std::string& name, const json::object& body) {
    qdrant::CreateShardKeyRequest request;
    std::string error;
    if (!json_to_message(body, request.mutable_request(), &error)) return error_answer(400, error);
    request.set_collection_name(name);
    qdrant::CreateShardKeyResponse response;
    auto status = call([&](auto* context) {
      return stubs_.collections->CreateShardKey(context, request, &response);
    });
    if (!status.ok()) return failed(status);
    return ok_answer(response.result());
  }

  RestAnswer list_aliases() {
    qdrant::ListAliasesRequest request;
    qdrant::ListAliasesResponse response;
    auto status = call([&](auto* context) {
      return stubs_.collections->ListAliases(context, request, &response);
    });
    if (!status.ok()) return failed(status);
    json::array aliases;
    for (const auto& alias : response.aliases()) {
      aliases.push_back(json::object{{"alias_name", alias.alias_name()},
                                     {"collection_name", alias.collection_name()}});
    }
    return ok_answer(json::object{{"aliases", std::move(aliases)}});
  }

  RestAnswer update_aliases(const json::object& body) {
    qdrant::ChangeAliases request;
    std::string error;
    if (!json_to_message(body, &request, &error)) return error_answer(400, error);
    qdrant::CollectionOperationResponse response;
    auto status = call([&](auto* context) {
      return stubs_.collections->UpdateAliases(context, request, &response);
    });
    if (!status.ok()) return failed(status);
    return ok_answer(response.result());
  }

  // field_schema: "keyword" or {"type": "keyword", ...params}
  RestAnswer create_field_index(const std::string& name, const std::string& query,
                                const json::object& body) {
    qdrant::CreateFieldIndexCollection request;
    request.set_collection_name(name);
    request.set_wait(query_says_wait(query));
    const json::value* field = body.if_contains("field_name");
    const json::value* schema = body.if_contains("field_schema");
    if (!field || !field->is_string() || !schema) {
      return error_answer(400, "an index request needs field_name and field_schema");
    }
    request.set_field_name(std::string(field->as_string()));
    const json::value* type =
        schema->is_object() ? schema->as_object().if_contains("type") : schema;
    if (!type || !type->is_string() || type->as_string().empty()) {
      return error_answer(400, "field_schema has no type");
    }
    std::string type_name(type->as_string());
    std::string enum_name =
        "FieldType" +
        std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(type_name[0])))) +
        type_name.substr(1);
    const auto* value = qdrant::FieldType_descriptor()->FindValueByName(enum_name);
    if (!value) return error_answer(400, "unknown payload index type " + type_name);
    request.set_field_type(static_cast<qdrant::FieldType>(value->number()));
    if (schema->is_object() && schema->as_object().size() > 1) {
      json::object params = schema->as_object();
      params.erase("type");
      json::object index_params{{type_name + "_index_params", std::move(params)}};
      std::string error;
      if (!json_to_message(index_params, request.mutable_field_index_params(), &error))
        return error_answer(400, error);
    }
    qdrant::PointsOperationResponse response;
    auto status = call([&](auto* context) {
      return stubs_.points->CreateFieldIndex(context, request, &response);
    });
    if (!status.ok()) return failed(status);
    return ok_answer(message_to_json(response.result()));
  }

  RestAnswer count(const std::string& name, const json::object& body) {
    std::string unknown;
    if (!only_known_keys(body, {"exact"}, &unknown))
      return error_answer(400, "count over gRPC: '" + unknown + "' is not supported");
    qdrant::CountPoints request;
    request.set_collection_name(name);
    request.set_exact(flag(body, "exact"));
    qdrant::CountResponse response;
    auto status =
        call([&](auto* context) { return stubs_.points->Count(context, request, &response); });
    if (!status.ok()) return failed(status);
    return ok_answer(json::object{{"count", response.result().count()}});
  }

  RestAnswer scroll(const std::string& name, const json::object& body) {
    std::string unknown;
    if (!only_known_keys(body, {"limit", "offset", "with_payload", "with_vector"}, &unknown))
      return error_answer(400, "scroll over gRPC: '" + unknown + "' is not supported");
    qdrant::ScrollPoints request;
    request.set_collection_name(name);
    request.set_limit(static_cast<uint32_t>(number_or(body, "limit", 10)));
    if (const json::value* offset = body.if_contains("offset"); offset && !offset->is_null())
      points::point_id_from_json(*offset, request.mutable_offset());
    request.mutable_with_payload()->set_enable(flag(body, "with_payload"));
    request.mutable_with_vectors()->set_enable(flag(body, "with_vector"));
    qdrant::ScrollResponse response;
    auto status =
        call([&](auto* context) { return stubs_.points->Scroll(context, request, &response); });
    if (!status.ok()) return failed(status);
    json::array records;
    records.reserve(static_cast<size_t>(response.result_size()));
    for (const auto& point : response.result()) records.push_back(retrieved_point_to_json(point));
    json::value next = response.has_next_page_offset()
                           ? points::point_id_to_json(response.next_page_offset())
                           : json::value(nullptr);
    return ok_answer(
        json::object{{"points", std::move(records)}, {"next_page_offset", std::move(next)}});
  }

  RestAnswer upsert(const std::string& name, const std::string& query, const json::object& body) {
    std::string unknown;
    if (!only_known_keys(body, {"points", "shard_key"}, &unknown))
      return error_answer(400, "upsert over gRPC: '" + unknown + "' is not supported");
    const json::value* points = body.if_contains("points");
    if (!points || !points->is_array()) return error_answer(400, "upsert needs a points array");
    qdrant::UpsertPoints request;
    request.set_collection_name(name);
    request.set_wait(query_says_wait(query));
    std::string error;
    for (const auto& point : points->as_array()) {
      if (!point_struct_from_json(point, request.add_points(), &error))
        return error_answer(400, error);
    }
    if (const json::value* key = body.if_contains("shard_key"); key && !key->is_null()) {
      auto* selector = request.mutable_shard_key_selector();
      if (key->is_array()) {
        for (const auto& each : key->as_array())
          points::shard_key_from_json(each, selector->add_shard_keys());
      } else {
        points::shard_key_from_json(*key, selector->add_shard_keys());
      }
    }
    qdrant::PointsOperationResponse response;
    auto status =
        call([&](auto* context) { return stubs_.points->Upsert(context, request, &response); });
    if (!status.ok()) return failed(status);
    return ok_answer(message_to_json(response.result()));
  }

  RestAnswer get_points(const std::string& name, const json::object& body) {
    std::string unknown;
    if (!only_known_keys(body, {"ids", "with_payload", "with_vector"}, &unknown))
      return error_answer(400, "retrieve over gRPC: '" + unknown + "' is not supported");
    const json::value* ids = body.if_contains("ids");
    if (!ids || !ids->is_array()) return error_answer(400, "retrieve needs an ids array");
    qdrant::GetPoints request;
    request.set_collection_name(name);
    for (const auto& id : ids->as_array()) points::point_id_from_json(id, request.add_ids());
    request.mutable_with_payload()->set_enable(flag(body, "with_payload"));
    request.mutable_with_vectors()->set_enable(flag(body, "with_vector"));
    qdrant::GetResponse response;
    auto status =
        call([&](auto* context) { return stubs_.points->Get(context, request, &response); });
    if (!status.ok()) return failed(status);
    json::array records;
    for (const auto& point : response.result()) records.push_back(retrieved_point_to_json(point));
    return ok_answer(std::move(records));
  }

  // {"query": {"sample": "random"} | vector, "using", "limit", "params": {"exact"}, ...}
  RestAnswer query_points(const std::string& name, const json::object& body) {
    std::string unknown;
    if (!only_known_keys(body, {"query", "using", "limit", "params", "with_payload", "with_vector"},
                         &unknown))
      return error_answer(400, "query over gRPC: '" + unknown + "' is not supported");
    qdrant::QueryPoints request;
    request.set_collection_name(name);
    const json::value* query = body.if_contains("query");
    if (!query) return error_answer(400, "query over gRPC needs a query");
    const json::object* query_object = query->if_object();
    if (query_object && query_object->contains("sample")) {
      request.mutable_query()->set_sample(qdrant::Random);
    } else {
      std::string error;
      if (!vector_input_from_json(*query, request.mutable_query()->mutable_nearest(), &error))
        return error_answer(400, error);
    }
    if (const json::value* vector_name = body.if_contains("using");
        vector_name && vector_name->is_string())
      request.set_using_(std::string(vector_name->as_string()));
    request.set_limit(number_or(body, "limit", 10));
    if (const json::value* params = body.if_contains("params"); params && params->is_object()) {
      std::string unknown_param;
      if (!only_known_keys(params->as_object(), {"exact"}, &unknown_param))
        return error_answer(400, "query over gRPC: params." + unknown_param + " is not supported");
      request.mutable_params()->set_exact(flag(params->as_object(), "exact"));
    }
    request.mutable_with_payload()->set_enable(flag(body, "with_payload"));
    request.mutable_with_vectors()->set_enable(flag(body, "with_vector"));
    qdrant::QueryResponse response;
    auto status =
        call([&](auto* context) { return stubs_.points->Query(context, request, &response); });
    if (!status.ok()) return failed(status);
    json::array hits;
    for (const auto& point : response.result()) hits.push_back(scored_point_to_json(point));
    return ok_answer(json::object{{"points", std::move(hits)}});
  }

  RestOverGrpc::Stubs& stubs_;
  const GrpcEndpointOptions& options_;
};

}  // namespace

bool is_grpc_url(const std::string& url) {
  return starts_with(url, kGrpcScheme) || starts_with(url, kGrpcsScheme);
}

Result<std::unique_ptr<RestOverGrpc>> RestOverGrpc::open(const GrpcEndpointOptions& options) {
  const bool tls = starts_with(options.url, kGrpcsScheme);
  if (!is_grpc_url(options.url)) {
    return Error{ErrorKind::kBadInput, "not a grpc:// or grpcs:// URL: " + options.url};
  }
  std::string address = options.url.substr(tls ? 8 : 7);
  while (!address.empty() && address.back() == '/') address.pop_back();
  if (address.empty() || address.find('/') != std::string::npos ||
      address.find(':') == std::string::npos) {
    return Error{ErrorKind::kBadInput,
                 "expected grpc://host:port or grpcs://host:port, got " + options.url};
  }
  std::shared_ptr<::grpc::ChannelCredentials> credentials;
  if (tls) {
    ::grpc::SslCredentialsOptions ssl;
    if (!options.ca_file.empty()) {
      std::ifstream file(options.ca_file);
      if (!file) return Error{ErrorKind::kBadInput, "cannot read " + options.ca_file};
      std::stringstream pem;
      pem << file.rdbuf();
      ssl.pem_root_certs = pem.str();
    }
    credentials = ::grpc::SslCredentials(ssl);
  } else {
    credentials = ::grpc::InsecureChannelCredentials();
  }
  ::grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);
  arguments.SetMaxSendMessageSize(-1);
  // A channel of its own per client (no shared subchannel), so parallel copies use parallel
  // connections.
  static std::atomic<int> channel_number{0};
  arguments.SetInt("sextant.migrate_channel", channel_number++);
  auto channel = ::grpc::CreateCustomChannel(address, credentials, arguments);
  auto stubs = std::make_unique<Stubs>();
  stubs->collections = qdrant::Collections::NewStub(channel);
  stubs->points = qdrant::Points::NewStub(channel);
  return std::unique_ptr<RestOverGrpc>(new RestOverGrpc(options, std::move(stubs)));
}

RestOverGrpc::RestOverGrpc(GrpcEndpointOptions options, std::unique_ptr<Stubs> stubs)
    : options_(std::move(options)), stubs_(std::move(stubs)) {}

RestOverGrpc::~RestOverGrpc() = default;

RestAnswer RestOverGrpc::request(const std::string& method, const std::string& target,
                                 const std::string& body) {
  std::vector<std::string> path;
  std::string query;
  split_target(target, &path, &query);
  json::object body_object;
  if (!body.empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec || !parsed.is_object())
      return error_answer(400, "the request body is not a JSON object");
    body_object = std::move(parsed.as_object());
  }
  return Mapping(*stubs_, options_).route(method, path, query, body_object);
}

}  // namespace sextant::grpc_wire::client
