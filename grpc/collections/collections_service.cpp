// qdrant.Collections: each RPC is its REST route's twin (grpc/engine_call.hpp).
//
//   Get                          GET    /collections/{c}
//   List                         GET    /collections
//   Create                       PUT    /collections/{c}?timeout
//   Update                       PATCH  /collections/{c}?timeout
//   Delete                       DELETE /collections/{c}?timeout
//   UpdateAliases                POST   /collections/aliases?timeout
//   ListCollectionAliases        GET    /collections/{c}/aliases
//   ListAliases                  GET    /aliases
//   CollectionClusterInfo        GET    /collections/{c}/cluster
//   CollectionExists             GET    /collections/{c}/exists
//   UpdateCollectionClusterSetup POST   /collections/{c}/cluster?timeout
//   CreateShardKey               PUT    /collections/{c}/shards?timeout
//   DeleteShardKey               POST   /collections/{c}/shards/delete?timeout
//   ListShardKeys                GET    /collections/{c}/shards
#include <boost/json/serialize.hpp>

#include "collections_service.grpc.pb.h"
#include "grpc/collections/collection_info_from_json.hpp"
#include "grpc/grpc_services.hpp"
#include "grpc/proto_json.hpp"
#include "grpc/route_reply.hpp"

namespace sextant::grpc_wire {

namespace {

using api::HttpMethod;
using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;
using ::grpc::Status;

std::string collection_path(const std::string& name) { return "/collections/" + name; }

std::optional<uint64_t> timeout_of(bool has, uint64_t value) {
  return has ? std::optional<uint64_t>(value) : std::nullopt;
}

// REST names two cluster operations differently from the message's oneof members.
std::string cluster_operation_body(const qdrant::UpdateCollectionClusterSetupRequest& request) {
  boost::json::value json = message_to_json(request);
  boost::json::object& body = json.get_object();
  body.erase("collection_name");
  body.erase("timeout");
  if (auto* create = body.if_contains("create_shard_key")) {
    body["create_sharding_key"] = *create;
    body.erase("create_shard_key");
  }
  if (auto* drop = body.if_contains("delete_shard_key")) {
    body["drop_sharding_key"] = *drop;
    body.erase("delete_shard_key");
  }
  return boost::json::serialize(json);
}

class CollectionsService final : public qdrant::Collections::CallbackService {
 public:
  explicit CollectionsService(const ServiceContext& context) : context_(context) {}

  ServerUnaryReactor* Get(CallbackServerContext* call,
                          const qdrant::GetCollectionInfoRequest* request,
                          qdrant::GetCollectionInfoResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      DecodedReply reply =
          call_route(context_, metadata,
                     {HttpMethod::kGet, collection_path(request->collection_name()), {}, ""});
      if (!reply.status.ok()) return reply.status;
      std::string error;
      if (!collection_info_from_json(reply.result, response->mutable_result(), &error))
        return Status(::grpc::StatusCode::INTERNAL, "cannot convert the collection info: " + error);
      response->set_time(reply.time_seconds);
      return Status::OK;
    });
  }

  ServerUnaryReactor* List(CallbackServerContext* call, const qdrant::ListCollectionsRequest*,
                           qdrant::ListCollectionsResponse* response) override {
    return run_unary(call, context_, [this, response](const CallMetadata& metadata) {
      return fill_response(
          call_route(context_, metadata, {HttpMethod::kGet, "/collections", {}, ""}), response, "");
    });
  }

  ServerUnaryReactor* Create(CallbackServerContext* call, const qdrant::CreateCollection* request,
                             qdrant::CollectionOperationResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kPut,
                       collection_path(request->collection_name()),
                       {},
                       request_body(*request, {"collection_name", "timeout"})};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* Update(CallbackServerContext* call, const qdrant::UpdateCollection* request,
                             qdrant::CollectionOperationResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kPatch,
                       collection_path(request->collection_name()),
                       {},
                       request_body(*request, {"collection_name", "timeout"})};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* Delete(CallbackServerContext* call, const qdrant::DeleteCollection* request,
                             qdrant::CollectionOperationResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kDelete, collection_path(request->collection_name()), {}, ""};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* UpdateAliases(CallbackServerContext* call,
                                    const qdrant::ChangeAliases* request,
                                    qdrant::CollectionOperationResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{
          HttpMethod::kPost, "/collections/aliases", {}, request_body(*request, {"timeout"})};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* ListCollectionAliases(CallbackServerContext* call,
                                            const qdrant::ListCollectionAliasesRequest* request,
                                            qdrant::ListAliasesResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{
          HttpMethod::kGet, collection_path(request->collection_name()) + "/aliases", {}, ""};
      return fill_response(call_route(context_, metadata, route), response, "");
    });
  }

  ServerUnaryReactor* ListAliases(CallbackServerContext* call, const qdrant::ListAliasesRequest*,
                                  qdrant::ListAliasesResponse* response) override {
    return run_unary(call, context_, [this, response](const CallMetadata& metadata) {
      return fill_response(call_route(context_, metadata, {HttpMethod::kGet, "/aliases", {}, ""}),
                           response, "");
    });
  }

  ServerUnaryReactor* CollectionClusterInfo(
      CallbackServerContext* call, const qdrant::CollectionClusterInfoRequest* request,
      qdrant::CollectionClusterInfoResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{
          HttpMethod::kGet, collection_path(request->collection_name()) + "/cluster", {}, ""};
      return fill_response(call_route(context_, metadata, route), response, "");
    });
  }

  ServerUnaryReactor* CollectionExists(CallbackServerContext* call,
                                       const qdrant::CollectionExistsRequest* request,
                                       qdrant::CollectionExistsResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{
          HttpMethod::kGet, collection_path(request->collection_name()) + "/exists", {}, ""};
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* UpdateCollectionClusterSetup(
      CallbackServerContext* call, const qdrant::UpdateCollectionClusterSetupRequest* request,
      qdrant::UpdateCollectionClusterSetupResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kPost,
                       collection_path(request->collection_name()) + "/cluster",
                       {},
                       cluster_operation_body(*request)};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* CreateShardKey(CallbackServerContext* call,
                                     const qdrant::CreateShardKeyRequest* request,
                                     qdrant::CreateShardKeyResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kPut,
                       collection_path(request->collection_name()) + "/shards",
                       {},
                       boost::json::serialize(message_to_json(request->request()))};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* DeleteShardKey(CallbackServerContext* call,
                                     const qdrant::DeleteShardKeyRequest* request,
                                     qdrant::DeleteShardKeyResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{HttpMethod::kPost,
                       collection_path(request->collection_name()) + "/shards/delete",
                       {},
                       boost::json::serialize(message_to_json(request->request()))};
      add_query(route, "timeout", timeout_of(request->has_timeout(), request->timeout()));
      return fill_response(call_route(context_, metadata, route), response, "result");
    });
  }

  ServerUnaryReactor* ListShardKeys(CallbackServerContext* call,
                                    const qdrant::ListShardKeysRequest* request,
                                    qdrant::ListShardKeysResponse* response) override {
    return run_unary(call, context_, [this, request, response](const CallMetadata& metadata) {
      EngineCall route{
          HttpMethod::kGet, collection_path(request->collection_name()) + "/shards", {}, ""};
      return fill_response(call_route(context_, metadata, route), response, "");
    });
  }

 private:
  const ServiceContext& context_;
};

}  // namespace

std::unique_ptr<::grpc::Service> make_collections_service(const ServiceContext& context) {
  return std::make_unique<CollectionsService>(context);
}

}  // namespace sextant::grpc_wire
