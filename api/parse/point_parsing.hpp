// JSON -> typed points, ids, vectors and selectors, validated against the collection schema
// with Qdrant's error texts. A request that fails here writes nothing.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "inference/inference.hpp"
#include "storage/collection_schema.hpp"
#include "storage/point_queries.hpp"
#include "storage/point_types.hpp"

namespace sextant::api {

using inference::Inference;

Result<storage::PointId> parse_point_id(const boost::json::value& value);
Result<std::vector<storage::PointId>> parse_point_ids(const boost::json::value& value);

// A point's vectors (`vector` of PointStruct, or one entry of UpdateVectors): dense list,
// multivector (list of lists), named map, sparse {indices, values}, or Document objects.
// `for_query`: Documents are embedded as queries (BM25 query weighting).
Result<storage::PointVectors> parse_point_vectors(const boost::json::value& value,
                                                  const storage::CollectionSchema& schema,
                                                  Inference* inference, bool for_query = false);
// Checks a parsed point's vectors against the schema: names, dimensions, finite values.
Status validate_point_vectors(const storage::PointVectors& vectors,
                              const storage::CollectionSchema& schema);

// `{"points": [...]}` or `{"batch": {...}}` of PointInsertOperations.
Result<std::vector<storage::PointWrite>> parse_points_to_upsert(
    const boost::json::object& body, const storage::CollectionSchema& schema, Inference* inference);

// `{"points": [ids]}` or `{"filter": {...}}` (PointsSelector); `body` holds it at top level.
Result<storage::PointSelector> parse_points_selector(const boost::json::object& body);

// Optional `filter` key of a request.
// `label` names the field in validation messages (Qdrant prefixes some with the request's name,
// e.g. `scroll_request.filter`); empty: the key itself.
Result<std::shared_ptr<const index::filter::Filter>> parse_optional_filter(
    const boost::json::object& body, const char* key = "filter", const std::string& label = "");

// `with_payload`: bool | [keys] | {include} | {exclude}. Applied to a payload on output.
struct PayloadSelector {
  bool enabled = false;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};
Result<PayloadSelector> parse_with_payload(const boost::json::object& body, bool default_enabled);
Result<storage::VectorSelection> parse_with_vector(const boost::json::object& body,
                                                   bool default_enabled);

}  // namespace sextant::api
