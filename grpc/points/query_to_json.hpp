// Universal queries: points.proto's Query / PrefetchQuery / Formula / OrderBy as the REST
// /points/query JSON ({"nearest": ...}, {"recommend": {...}}, {"fusion": "rrf"}, ...).
//
// The REST query parser builds the typed plan from this JSON, so every query rule (fusion,
// MMR, formulas, feedback) lives there once.
//
// Invariants: an empty oneof or an unknown enum value throws InvalidProto with Qdrant's text.
#pragma once

#include <boost/json/value.hpp>

#include "points.pb.h"

namespace sextant::grpc_wire::points {

boost::json::value query_to_json(const qdrant::Query& query);
boost::json::object prefetch_to_json(const qdrant::PrefetchQuery& prefetch);
boost::json::object order_by_to_json(const qdrant::OrderBy& order_by);
boost::json::value expression_to_json(const qdrant::Expression& expression);

// The fields QueryPoints and QueryPointGroups share (prefetch .. lookup_from), into `body`.
template <class QueryRequest>
void query_fields_into(const QueryRequest& request, boost::json::object& body);

}  // namespace sextant::grpc_wire::points
