// POST /points/scroll body -> a typed scroll request, with Qdrant's format and validation texts
// (`limit` 1..1000000, default 10; `offset` a point id; `order_by` a key or {key, direction,
// start_from}; `filter`, `with_payload` (default true), `with_vector` (default false)).
// The ordering rules that need the collection are the engine's (query/scroll_points.hpp).
#pragma once

#include <boost/json/object.hpp>

#include "api/parse/point_parsing.hpp"
#include "common/status.hpp"
#include "storage/point_queries.hpp"

namespace sextant::api {

struct ScrollPointsRequest {
  storage::ScrollRequest scroll;
  PayloadSelector with_payload;
  storage::VectorSelection with_vector;
};

Result<ScrollPointsRequest> parse_scroll_request(const boost::json::object& body);

}  // namespace sextant::api
