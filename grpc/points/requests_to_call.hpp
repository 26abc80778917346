// Points RPC requests as the engine calls of their REST twins.
//
// Each function builds the method, path, query parameters and JSON body the REST route of the
// same operation takes (PUT /collections/{c}/points for Upsert, POST .../points/query for Query,
// ...). Defaults stay the route's: a field absent in protobuf is absent in the body.
//
// Invariants: an ill-formed message throws InvalidProto; nothing else is checked here (the
// route validates the body as it validates a REST body).
#pragma once

#include <boost/json/array.hpp>

#include "grpc/engine_call.hpp"
#include "points.pb.h"

namespace sextant::grpc_wire::points {

// Writes (write_requests.cpp)
EngineCall to_call(const qdrant::UpsertPoints& request);
EngineCall to_call(const qdrant::DeletePoints& request);
EngineCall to_call(const qdrant::UpdatePointVectors& request);
EngineCall to_call(const qdrant::DeletePointVectors& request);
EngineCall set_payload_call(const qdrant::SetPayloadPoints& request, bool overwrite);
EngineCall to_call(const qdrant::DeletePayloadPoints& request);
EngineCall to_call(const qdrant::ClearPayloadPoints& request);
EngineCall to_call(const qdrant::CreateFieldIndexCollection& request);
EngineCall to_call(const qdrant::DeleteFieldIndexCollection& request);
EngineCall to_call(const qdrant::CreateVectorNameRequest& request);
EngineCall to_call(const qdrant::DeleteVectorNameRequest& request);
EngineCall to_call(const qdrant::UpdateBatchPoints& request);  // update_batch.cpp

// Reads (read_requests.cpp)
EngineCall to_call(const qdrant::GetPoints& request);
EngineCall to_call(const qdrant::ScrollPoints& request);
EngineCall to_call(const qdrant::CountPoints& request);
EngineCall to_call(const qdrant::FacetCounts& request);
EngineCall matrix_call(const qdrant::SearchMatrixPoints& request, bool offsets);

// Legacy searches (search_requests.cpp)
EngineCall to_call(const qdrant::SearchPoints& request);
EngineCall to_call(const qdrant::SearchBatchPoints& request);
EngineCall to_call(const qdrant::SearchPointGroups& request);
EngineCall to_call(const qdrant::RecommendPoints& request);
EngineCall to_call(const qdrant::RecommendBatchPoints& request);
EngineCall to_call(const qdrant::RecommendPointGroups& request);
EngineCall to_call(const qdrant::DiscoverPoints& request);
EngineCall to_call(const qdrant::DiscoverBatchPoints& request);

// Universal queries (query_requests.cpp)
EngineCall to_call(const qdrant::QueryPoints& request);
EngineCall to_call(const qdrant::QueryBatchPoints& request);
EngineCall to_call(const qdrant::QueryPointGroups& request);

// Body parts the single writes and UpdateBatch's operations share (write_requests.cpp).
boost::json::array point_structs_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::PointStruct>& points);
boost::json::array point_vectors_to_json(
    const google::protobuf::RepeatedPtrField<qdrant::PointVectors>& points);
boost::json::array vector_names(const qdrant::VectorsSelector& selector);

// "/collections/{name}" + suffix
std::string collection_path(const std::string& collection_name, const std::string& suffix);

}  // namespace sextant::grpc_wire::points
