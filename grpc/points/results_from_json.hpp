// Points results: the REST routes' `result` JSON as the protobuf result messages.
//
// ScoredPoint / RetrievedPoint take id, payload, vector (as VectorsOutput), shard_key,
// order_value, score and version; absent REST fields stay unset. UpdateResult maps the status
// string onto UpdateStatus (acknowledged, completed, wait_timeout, clock_rejected).
//
// Invariants: the input is what a Sextant route answered; a field of the wrong JSON kind is
// left unset rather than rejected (the route's reply is trusted).
#pragma once

#include <boost/json/value.hpp>

#include "points.pb.h"

namespace sextant::grpc_wire::points {

void scored_point_from_json(const boost::json::value& json, qdrant::ScoredPoint* point);
void retrieved_point_from_json(const boost::json::value& json, qdrant::RetrievedPoint* point);
void scored_points_from_json(const boost::json::value& json,
                             google::protobuf::RepeatedPtrField<qdrant::ScoredPoint>* points);
// [[...], [...]] or [{"points": [...]}, ...] (query batch)
void batch_results_from_json(const boost::json::value& json,
                             google::protobuf::RepeatedPtrField<qdrant::BatchResult>* results);
void groups_from_json(const boost::json::value& json, qdrant::GroupsResult* groups);
void update_result_from_json(const boost::json::value& json, qdrant::UpdateResult* result);
void scroll_from_json(const boost::json::value& json, qdrant::ScrollResponse* response);
void facet_from_json(const boost::json::value& json, qdrant::FacetResponse* response);
void matrix_pairs_from_json(const boost::json::value& json, qdrant::SearchMatrixPairs* pairs);
void matrix_offsets_from_json(const boost::json::value& json, qdrant::SearchMatrixOffsets* offsets);

}  // namespace sextant::grpc_wire::points
