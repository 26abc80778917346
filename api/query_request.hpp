// Query API and legacy search bodies -> a typed QueryPlan. A plan is one stage of Qdrant's
// universal query: optional prefetches (each a plan), then a query that scores or orders their
// candidates (or the whole collection when there are no prefetches).
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/formula_query.hpp"
#include "inference/inference.hpp"
#include "api/mmr_query.hpp"
#include "api/point_parsing.hpp"
#include "storage/point_queries.hpp"
#include "storage/vector_search.hpp"

namespace sextant::api {

// A recommend/discover/context example: an existing point (by id) or a vector.
using Example = std::variant<storage::PointId, std::vector<float>>;

struct RecommendSpec {
  enum class Strategy { kAverageVector, kBestScore, kSumScores };
  std::vector<Example> positive;
  std::vector<Example> negative;
  Strategy strategy = Strategy::kAverageVector;
};

struct ContextPair {
  Example positive;
  Example negative;
};

// Qdrant's relevance_feedback query with the `naive` strategy: a * sim(target) plus, for up to
// three pairs of feedback examples (best with worst, ...), (score gap)^b * c * sim difference.
struct RelevanceFeedbackSpec {
  struct Item {
    Example example;
    float score = 0;
  };
  Example target;
  std::vector<Item> feedback;
  float a = 0, b = 0, c = 0;
};

struct QueryPlan {
  enum class Kind {
    kAll, kNearest, kFusionRrf, kFusionDbsf, kOrderBy, kSampleRandom, kRecommend, kDiscover,
    kContext, kFormula, kRelevanceFeedback
  };
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
  std::optional<RecommendSpec> recommend;   // kRecommend
  std::optional<Example> target;            // kDiscover
  std::vector<ContextPair> context;         // kDiscover, kContext
  std::optional<MmrParams> mmr;             // kNearest re-ranked by MMR
  std::shared_ptr<const formula::Formula> formula;  // kFormula
  std::optional<RelevanceFeedbackSpec> relevance_feedback;  // kRelevanceFeedback
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
// Legacy POST /points/recommend and /points/discover bodies.
Result<QueryRequest> parse_recommend_request(const boost::json::object& body, Inference* inference);
Result<QueryRequest> parse_discover_request(const boost::json::object& body, Inference* inference);

}  // namespace sextant::api
