// Query API and legacy search bodies -> a typed QueryPlan. A plan is one stage of Qdrant's
// universal query: optional prefetches (each a plan), then a query that scores or orders their
// candidates (or the whole collection when there are no prefetches).
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/inference.hpp"
#include "api/point_parsing.hpp"
#include "storage/point_queries.hpp"
#include "storage/vector_search.hpp"

namespace sextant::api {

struct QueryPlan {
  enum class Kind { kAll, kNearest, kFusionRrf, kFusionDbsf, kOrderBy, kSampleRandom };
  Kind kind = Kind::kAll;
  std::vector<QueryPlan> prefetch;
  std::string using_name;
  std::optional<storage::QueryVector> vector;  // nearest by vector
  std::optional<storage::PointId> by_id;       // nearest by an existing point's vector
  std::shared_ptr<const index::filter::Filter> filter;
  storage::SearchParams params;
  std::optional<float> score_threshold;
  size_t limit = 10;
  size_t offset = 0;
  std::optional<storage::OrderBy> order_by;
  size_t rrf_k = 2;
};

struct QueryRequest {
  QueryPlan plan;
  PayloadSelector with_payload;
  storage::VectorSelection with_vector;
};

// POST /points/query body.
Result<QueryRequest> parse_query_request(const boost::json::object& body, Inference* inference);
// Legacy POST /points/search body (NamedVectorStruct `vector`, required `limit`).
Result<QueryRequest> parse_search_request(const boost::json::object& body);

}  // namespace sextant::api
