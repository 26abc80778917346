// qdrant.Snapshots and qdrant.ShardSnapshots: each RPC is its REST route's twin, waiting for
// the snapshot as Qdrant's gRPC calls do (wait=true).
//
//   Snapshots/Create        POST   /collections/{c}/snapshots
//   Snapshots/List          GET    /collections/{c}/snapshots
//   Snapshots/Delete        DELETE /collections/{c}/snapshots/{s}
//   Snapshots/CreateFull    POST   /snapshots
//   Snapshots/ListFull      GET    /snapshots
//   Snapshots/DeleteFull    DELETE /snapshots/{s}
//   ShardSnapshots/Create   POST   /collections/{c}/shards/{id}/snapshots
//   ShardSnapshots/List     GET    /collections/{c}/shards/{id}/snapshots
//   ShardSnapshots/Delete   DELETE /collections/{c}/shards/{id}/snapshots/{s}
//   ShardSnapshots/Recover  PUT    /collections/{c}/shards/{id}/snapshots/recover
#include <boost/json/serialize.hpp>

#include "grpc/grpc_services.hpp"
#include "grpc/proto_json.hpp"
#include "grpc/route_reply.hpp"
#include "shard_snapshots_service.grpc.pb.h"
#include "snapshots_service.grpc.pb.h"

namespace sextant::grpc_wire {

namespace {

using api::HttpMethod;
using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

const std::map<std::string, std::string> kWait = {{"wait", "true"}};

std::string snapshots_path(const std::string& collection) {
  return "/collections/" + collection + "/snapshots";
}

std::string shard_snapshots_path(const std::string& collection, uint32_t shard_id) {
  return "/collections/" + collection + "/shards/" + std::to_string(shard_id) + "/snapshots";
}

class SnapshotsService final : public qdrant::Snapshots::CallbackService {
 public:
  explicit SnapshotsService(const ServiceContext& context) : context_(context) {}

  ServerUnaryReactor* Create(CallbackServerContext* call,
                             const qdrant::CreateSnapshotRequest* request,
                             qdrant::CreateSnapshotResponse* response) override {
    return run(call, {HttpMethod::kPost, snapshots_path(request->collection_name()), kWait, ""},
               response, "snapshot_description");
  }
  ServerUnaryReactor* List(CallbackServerContext* call, const qdrant::ListSnapshotsRequest* request,
                           qdrant::ListSnapshotsResponse* response) override {
    return run(call, {HttpMethod::kGet, snapshots_path(request->collection_name()), {}, ""},
               response, "snapshot_descriptions");
  }
  ServerUnaryReactor* Delete(CallbackServerContext* call,
                             const qdrant::DeleteSnapshotRequest* request,
                             qdrant::DeleteSnapshotResponse* response) override {
    return run(
        call,
        {HttpMethod::kDelete,
         snapshots_path(request->collection_name()) + "/" + request->snapshot_name(), kWait, ""},
        response, "");
  }
  ServerUnaryReactor* CreateFull(CallbackServerContext* call,
                                 const qdrant::CreateFullSnapshotRequest*,
                                 qdrant::CreateSnapshotResponse* response) override {
    return run(call, {HttpMethod::kPost, "/snapshots", kWait, ""}, response,
               "snapshot_description");
  }
  ServerUnaryReactor* ListFull(CallbackServerContext* call, const qdrant::ListFullSnapshotsRequest*,
                               qdrant::ListSnapshotsResponse* response) override {
    return run(call, {HttpMethod::kGet, "/snapshots", {}, ""}, response, "snapshot_descriptions");
  }
  ServerUnaryReactor* DeleteFull(CallbackServerContext* call,
                                 const qdrant::DeleteFullSnapshotRequest* request,
                                 qdrant::DeleteSnapshotResponse* response) override {
    return run(call, {HttpMethod::kDelete, "/snapshots/" + request->snapshot_name(), kWait, ""},
               response, "");
  }

 private:
  // `result_field` "": the response carries only the time.
  ServerUnaryReactor* run(CallbackServerContext* call, EngineCall route,
                          google::protobuf::Message* response, const char* result_field) {
    return run_unary(
        call, context_,
        [this, route = std::move(route), response, result_field](const CallMetadata& metadata) {
          DecodedReply reply = call_route(context_, metadata, route);
          if (*result_field == '\0' && reply.status.ok()) reply.result = nullptr;
          return fill_response(reply, response, result_field);
        });
  }

  const ServiceContext& context_;
};

class ShardSnapshotsService final : public qdrant::ShardSnapshots::CallbackService {
 public:
  explicit ShardSnapshotsService(const ServiceContext& context) : context_(context) {}

  ServerUnaryReactor* Create(CallbackServerContext* call,
                             const qdrant::CreateShardSnapshotRequest* request,
                             qdrant::CreateSnapshotResponse* response) override {
    return run(call,
               {HttpMethod::kPost,
                shard_snapshots_path(request->collection_name(), request->shard_id()), kWait, ""},
               response, "snapshot_description");
  }
  ServerUnaryReactor* List(CallbackServerContext* call,
                           const qdrant::ListShardSnapshotsRequest* request,
                           qdrant::ListSnapshotsResponse* response) override {
    return run(call,
               {HttpMethod::kGet,
                shard_snapshots_path(request->collection_name(), request->shard_id()),
                {},
                ""},
               response, "snapshot_descriptions");
  }
  ServerUnaryReactor* Delete(CallbackServerContext* call,
                             const qdrant::DeleteShardSnapshotRequest* request,
                             qdrant::DeleteSnapshotResponse* response) override {
    return run(call,
               {HttpMethod::kDelete,
                shard_snapshots_path(request->collection_name(), request->shard_id()) + "/" +
                    request->snapshot_name(),
                kWait, ""},
               response, "");
  }
  // The REST body: {"location": url or path, "priority": ..., "checksum": ..., "api_key": ...}.
  ServerUnaryReactor* Recover(CallbackServerContext* call,
                              const qdrant::RecoverShardSnapshotRequest* request,
                              qdrant::RecoverSnapshotResponse* response) override {
    boost::json::object body;
    const auto& location = request->snapshot_location();
    body["location"] = location.has_url() ? location.url() : location.path();
    static const char* const kPriorities[] = {"no_sync", "snapshot", "replica", "shard_transfer"};
    int priority = request->snapshot_priority();
    if (priority >= 0 && priority < 4) body["priority"] = kPriorities[priority];
    if (request->has_checksum()) body["checksum"] = request->checksum();
    if (request->has_api_key()) body["api_key"] = request->api_key();
    return run(call,
               {HttpMethod::kPut,
                shard_snapshots_path(request->collection_name(), request->shard_id()) + "/recover",
                kWait, boost::json::serialize(body)},
               response, "");
  }

 private:
  ServerUnaryReactor* run(CallbackServerContext* call, EngineCall route,
                          google::protobuf::Message* response, const char* result_field) {
    return run_unary(
        call, context_,
        [this, route = std::move(route), response, result_field](const CallMetadata& metadata) {
          DecodedReply reply = call_route(context_, metadata, route);
          if (*result_field == '\0' && reply.status.ok()) reply.result = nullptr;
          return fill_response(reply, response, result_field);
        });
  }

  const ServiceContext& context_;
};

}  // namespace

std::unique_ptr<::grpc::Service> make_snapshots_service(const ServiceContext& context) {
  return std::make_unique<SnapshotsService>(context);
}

std::unique_ptr<::grpc::Service> make_shard_snapshots_service(const ServiceContext& context) {
  return std::make_unique<ShardSnapshotsService>(context);
}

}  // namespace sextant::grpc_wire
