// qdrant.Points: every RPC as its REST twin's engine call, converted in and out.
//
// Each method builds the route's call from the request (requests_to_call.hpp), runs it through
// the server's pipeline on the worker pool (run_unary, ServiceContext::call_engine), and fills
// the response from the route's result (results_from_json.hpp). An ill-formed request is
// INVALID_ARGUMENT with Qdrant's text; a route's error keeps the code and text decode_reply gives.
//
// Invariants: the ServiceContext outlives the service; the request and response objects gRPC
// hands a method live until the reactor finishes, so the work may read and fill them.
#include "grpc/grpc_services.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"
#include "grpc/points/results_from_json.hpp"
#include "points_service.grpc.pb.h"

namespace sextant::grpc_wire {
namespace {

namespace json = boost::json;
using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;
using points::to_call;

// A write answers an (empty) usage, as Qdrant's does.
void fill_update(const json::value& result, qdrant::PointsOperationResponse* response) {
  points::update_result_from_json(result, response->mutable_result());
  response->mutable_usage();
}

template <class Response>
void fill_scored(const json::value& result, Response* response) {
  points::scored_points_from_json(result, response->mutable_result());
}

template <class Response>
void fill_batch(const json::value& result, Response* response) {
  points::batch_results_from_json(result, response->mutable_result());
}

template <class Response>
void fill_groups(const json::value& result, Response* response) {
  points::groups_from_json(result, response->mutable_result());
}

class PointsService final : public qdrant::Points::CallbackService {
 public:
  explicit PointsService(const ServiceContext& context) : context_(context) {}

  ServerUnaryReactor* Upsert(CallbackServerContext* c, const qdrant::UpsertPoints* request,
                             qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* Delete(CallbackServerContext* c, const qdrant::DeletePoints* request,
                             qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* Get(CallbackServerContext* c, const qdrant::GetPoints* request,
                          qdrant::GetResponse* response) override {
    return serve(c, request, response, [](const json::value& result, qdrant::GetResponse* r) {
      if (result.is_array())
        for (const auto& item : result.get_array())
          points::retrieved_point_from_json(item, r->add_result());
    });
  }
  ServerUnaryReactor* UpdateVectors(CallbackServerContext* c,
                                    const qdrant::UpdatePointVectors* request,
                                    qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* DeleteVectors(CallbackServerContext* c,
                                    const qdrant::DeletePointVectors* request,
                                    qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* SetPayload(CallbackServerContext* c, const qdrant::SetPayloadPoints* request,
                                 qdrant::PointsOperationResponse* response) override {
    return serve_with(
        c, request, response, [](const auto& r) { return points::set_payload_call(r, false); },
        fill_update);
  }
  ServerUnaryReactor* OverwritePayload(CallbackServerContext* c,
                                       const qdrant::SetPayloadPoints* request,
                                       qdrant::PointsOperationResponse* response) override {
    return serve_with(
        c, request, response, [](const auto& r) { return points::set_payload_call(r, true); },
        fill_update);
  }
  ServerUnaryReactor* DeletePayload(CallbackServerContext* c,
                                    const qdrant::DeletePayloadPoints* request,
                                    qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* ClearPayload(CallbackServerContext* c,
                                   const qdrant::ClearPayloadPoints* request,
                                   qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* CreateFieldIndex(CallbackServerContext* c,
                                       const qdrant::CreateFieldIndexCollection* request,
                                       qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* DeleteFieldIndex(CallbackServerContext* c,
                                       const qdrant::DeleteFieldIndexCollection* request,
                                       qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* CreateVectorName(CallbackServerContext* c,
                                       const qdrant::CreateVectorNameRequest* request,
                                       qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* DeleteVectorName(CallbackServerContext* c,
                                       const qdrant::DeleteVectorNameRequest* request,
                                       qdrant::PointsOperationResponse* response) override {
    return serve(c, request, response, fill_update);
  }
  ServerUnaryReactor* Search(CallbackServerContext* c, const qdrant::SearchPoints* request,
                             qdrant::SearchResponse* response) override {
    return serve(c, request, response, fill_scored<qdrant::SearchResponse>);
  }
  ServerUnaryReactor* SearchBatch(CallbackServerContext* c,
                                  const qdrant::SearchBatchPoints* request,
                                  qdrant::SearchBatchResponse* response) override {
    return serve(c, request, response, fill_batch<qdrant::SearchBatchResponse>);
  }
  ServerUnaryReactor* SearchGroups(CallbackServerContext* c,
                                   const qdrant::SearchPointGroups* request,
                                   qdrant::SearchGroupsResponse* response) override {
    return serve(c, request, response, fill_groups<qdrant::SearchGroupsResponse>);
  }
  ServerUnaryReactor* Scroll(CallbackServerContext* c, const qdrant::ScrollPoints* request,
                             qdrant::ScrollResponse* response) override {
    return serve(c, request, response, points::scroll_from_json);
  }
  ServerUnaryReactor* Recommend(CallbackServerContext* c, const qdrant::RecommendPoints* request,
                                qdrant::RecommendResponse* response) override {
    return serve(c, request, response, fill_scored<qdrant::RecommendResponse>);
  }
  ServerUnaryReactor* RecommendBatch(CallbackServerContext* c,
                                     const qdrant::RecommendBatchPoints* request,
                                     qdrant::RecommendBatchResponse* response) override {
    return serve(c, request, response, fill_batch<qdrant::RecommendBatchResponse>);
  }
  ServerUnaryReactor* RecommendGroups(CallbackServerContext* c,
                                      const qdrant::RecommendPointGroups* request,
                                      qdrant::RecommendGroupsResponse* response) override {
    return serve(c, request, response, fill_groups<qdrant::RecommendGroupsResponse>);
  }
  ServerUnaryReactor* Discover(CallbackServerContext* c, const qdrant::DiscoverPoints* request,
                               qdrant::DiscoverResponse* response) override {
    return serve(c, request, response, fill_scored<qdrant::DiscoverResponse>);
  }
  ServerUnaryReactor* DiscoverBatch(CallbackServerContext* c,
                                    const qdrant::DiscoverBatchPoints* request,
                                    qdrant::DiscoverBatchResponse* response) override {
    return serve(c, request, response, fill_batch<qdrant::DiscoverBatchResponse>);
  }
  ServerUnaryReactor* Count(CallbackServerContext* c, const qdrant::CountPoints* request,
                            qdrant::CountResponse* response) override {
    return serve(c, request, response, [](const json::value& result, qdrant::CountResponse* r) {
      if (const auto* count =
              result.is_object() ? result.get_object().if_contains("count") : nullptr;
          count && count->is_number())
        r->mutable_result()->set_count(count->to_number<std::uint64_t>());
    });
  }
  ServerUnaryReactor* UpdateBatch(CallbackServerContext* c,
                                  const qdrant::UpdateBatchPoints* request,
                                  qdrant::UpdateBatchResponse* response) override {
    return serve(c, request, response,
                 [](const json::value& result, qdrant::UpdateBatchResponse* r) {
                   if (result.is_array())
                     for (const auto& item : result.get_array())
                       points::update_result_from_json(item, r->add_result());
                 });
  }
  ServerUnaryReactor* Query(CallbackServerContext* c, const qdrant::QueryPoints* request,
                            qdrant::QueryResponse* response) override {
    return serve(c, request, response, fill_scored<qdrant::QueryResponse>);
  }
  ServerUnaryReactor* QueryBatch(CallbackServerContext* c, const qdrant::QueryBatchPoints* request,
                                 qdrant::QueryBatchResponse* response) override {
    return serve(c, request, response, fill_batch<qdrant::QueryBatchResponse>);
  }
  ServerUnaryReactor* QueryGroups(CallbackServerContext* c, const qdrant::QueryPointGroups* request,
                                  qdrant::QueryGroupsResponse* response) override {
    return serve(c, request, response, fill_groups<qdrant::QueryGroupsResponse>);
  }
  ServerUnaryReactor* Facet(CallbackServerContext* c, const qdrant::FacetCounts* request,
                            qdrant::FacetResponse* response) override {
    return serve(c, request, response, points::facet_from_json);
  }
  ServerUnaryReactor* SearchMatrixPairs(CallbackServerContext* c,
                                        const qdrant::SearchMatrixPoints* request,
                                        qdrant::SearchMatrixPairsResponse* response) override {
    return serve_with(
        c, request, response, [](const auto& r) { return points::matrix_call(r, false); },
        [](const json::value& result, qdrant::SearchMatrixPairsResponse* r) {
          points::matrix_pairs_from_json(result, r->mutable_result());
        });
  }
  ServerUnaryReactor* SearchMatrixOffsets(CallbackServerContext* c,
                                          const qdrant::SearchMatrixPoints* request,
                                          qdrant::SearchMatrixOffsetsResponse* response) override {
    return serve_with(
        c, request, response, [](const auto& r) { return points::matrix_call(r, true); },
        [](const json::value& result, qdrant::SearchMatrixOffsetsResponse* r) {
          points::matrix_offsets_from_json(result, r->mutable_result());
        });
  }

 private:
  template <class Request, class Response, class Fill>
  ServerUnaryReactor* serve(CallbackServerContext* c, const Request* request, Response* response,
                            Fill fill) {
    return serve_with(
        c, request, response, [](const Request& r) { return to_call(r); }, fill);
  }

  // build: EngineCall(const Request&); fill: void(const json::value& result, Response*).
  template <class Request, class Response, class Build, class Fill>
  ServerUnaryReactor* serve_with(CallbackServerContext* c, const Request* request,
                                 Response* response, Build build, Fill fill) {
    return run_unary(c, context_,
                     [this, request, response, build, fill](const CallMetadata& metadata) {
                       try {
                         EngineCall call = build(*request);
                         DecodedReply reply = decode_reply(context_.call_engine(call, metadata));
                         if (!reply.status.ok()) return reply.status;
                         fill(reply.result, response);
                         response->set_time(reply.time_seconds);
                         return ::grpc::Status::OK;
                       } catch (const points::InvalidProto& error) {
                         return ::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, error.what());
                       } catch (const std::exception& error) {
                         return ::grpc::Status(::grpc::StatusCode::INTERNAL, error.what());
                       }
                     });
  }

  ServiceContext context_;
};

}  // namespace

std::unique_ptr<::grpc::Service> make_points_service(const ServiceContext& context) {
  return std::make_unique<PointsService>(context);
}

}  // namespace sextant::grpc_wire
