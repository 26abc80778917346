// The typed query plan the engine runs: one stage of Qdrant's universal query. A plan holds
// optional prefetches (each a plan of its own), then one query that scores or orders their
// candidates (or the whole collection when there are no prefetches).
//
// The query is a std::variant with one struct per kind, as Qdrant's tagged `Query` enum; the
// fields every kind shares (prefetch, using, filter, params, score_threshold, limit, offset) stay
// on the plan. Plans are built by the wires (api/ parses JSON into them) and carry no wire
// format: examples are point ids or vectors, formulas are typed trees.
//
// Invariants: a FormulaQuery's formula is never null; RrfQuery::k is the `k` of Reciprocal Rank
// Fusion (score 1 / ((rank + 1) / weight + k - 1), rank from 0); prefetch nesting is bounded by
// the parser that built it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "index/filter/filter.hpp"
#include "query/formula.hpp"
#include "query/mmr.hpp"
#include "storage/point_queries.hpp"
#include "storage/point_types.hpp"
#include "storage/read_view.hpp"
#include "storage/vector_search.hpp"

namespace sextant::query {

// A recommend/discover/context/feedback example: an existing point (by id) or a vector.
using Example =
    std::variant<storage::PointId, std::vector<float>, storage::MultiVector, storage::SparseVector>;

// Every point that passes the filter, in storage order, scored 1 (no `query` given).
struct AllQuery {};

// Nearest neighbours of a vector, or of an existing point's vector (the point itself is never
// its own neighbour); with `mmr`, re-ranked for diversity.
struct NearestQuery {
  std::variant<storage::QueryVector, storage::PointId> target;
  std::optional<MmrParams> mmr;
};

// Reciprocal Rank Fusion of the prefetch results. `weights`, when given, holds one weight per
// prefetch (a count that differs is a bad input when the plan runs).
struct RrfQuery {
  size_t k = 2;
  std::optional<std::vector<float>> weights;
};

// Distribution-Based Score Fusion of the prefetch results (each list normalised by mean +- 3
// sigma, then summed).
struct DbsfQuery {};

// Points ordered by a payload key; the score is the key's value.
struct OrderByQuery {
  storage::OrderBy order_by;
};

// Points in random order, scored 0.
struct SampleRandomQuery {};

struct RecommendQuery {
  enum class Strategy { kAverageVector, kBestScore, kSumScores };
  std::vector<Example> positive;
  std::vector<Example> negative;
  Strategy strategy = Strategy::kAverageVector;
};

struct ContextPair {
  Example positive;
  Example negative;
};

// Discovery: context pairs rank the points, similarity to the target breaks ties.
struct DiscoverQuery {
  Example target;
  std::vector<ContextPair> context;
};

// Context search: points scored by how well they fit the context pairs only.
struct ContextQuery {
  std::vector<ContextPair> context;
};

// Prefetch results rescored by a score-boosting formula.
struct FormulaQuery {
  std::shared_ptr<const formula::Formula> formula;
};

// Qdrant's relevance_feedback query with the `naive` strategy: a * sim(target) plus, for every
// ordered pair of feedback examples with a positive score gap, (score gap)^b * c * sim difference.
struct RelevanceFeedbackQuery {
  struct Item {
    Example example;
    float score = 0;
  };
  Example target;
  std::vector<Item> feedback;
  float a = 0, b = 0, c = 0;
};

// `lookup_from`: the plan's examples and by-id targets are point ids of `collection`, whose
// `vector` (or, when absent, the plan's `using`) is read. `view` is that collection's view, set by
// attach_lookup_views (query/lookup.hpp) before the plan runs; `same_collection` tells that the
// lookup names the queried collection itself (its example points are then left out of results,
// as without lookup_from).
struct LookupFrom {
  std::string collection;
  std::optional<std::string> vector;
  std::shared_ptr<const storage::ReadView> view;
  bool same_collection = false;
};

using Query =
    std::variant<AllQuery, NearestQuery, RrfQuery, DbsfQuery, OrderByQuery, SampleRandomQuery,
                 RecommendQuery, DiscoverQuery, ContextQuery, FormulaQuery, RelevanceFeedbackQuery>;

struct QueryPlan {
  std::vector<QueryPlan> prefetch;
  Query query;
  std::string using_name;  // the vector the query scores on ("" is the default vector)
  std::shared_ptr<const index::filter::Filter> filter;
  storage::SearchParams params;
  std::optional<float> score_threshold;
  size_t limit = 10;
  size_t offset = 0;
  std::optional<LookupFrom> lookup_from;
};

}  // namespace sextant::query
