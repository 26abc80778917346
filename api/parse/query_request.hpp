// Query API and legacy search bodies -> the engine's typed QueryPlan (query/query_plan.hpp),
// plus the selectors of what the response shows. Parsing answers with Qdrant's error texts; the
// plan it produces carries no JSON.
#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "api/parse/point_parsing.hpp"
#include "inference/inference.hpp"
#include "query/query_plan.hpp"
#include "storage/point_queries.hpp"

namespace sextant::api {

using query::QueryPlan;

struct QueryRequest {
  QueryPlan plan;
  PayloadSelector with_payload;
  storage::VectorSelection with_vector;
};

// POST /points/query body.
Result<QueryRequest> parse_query_request(const boost::json::object& body, Inference* inference);
// Legacy POST /points/search body (NamedVectorStruct `vector`, required `limit`).
Result<QueryRequest> parse_search_request(const boost::json::object& body);
// The same for a body whose `vector` is a plain dense vector already read into floats and taken
// out of `fields` (plain_vector_body.hpp): the request parse_search_request() makes of the
// whole body.
Result<QueryRequest> parse_search_request(const boost::json::object& fields,
                                          std::vector<float> vector);
// Legacy POST /points/recommend and /points/discover bodies.
Result<QueryRequest> parse_recommend_request(const boost::json::object& body, Inference* inference);
Result<QueryRequest> parse_discover_request(const boost::json::object& body, Inference* inference);

}  // namespace sextant::api
