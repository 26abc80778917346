// Typed points -> Qdrant's JSON shapes: Record (retrieve, scroll) and ScoredPoint (search,
// query), with the payload selector applied and vectors in Qdrant's output form (the unnamed
// default vector as a bare list, named vectors as a map, sparse as {indices, values}).
#pragma once

#include <boost/json/object.hpp>
#include <optional>

#include "api/parse/point_parsing.hpp"
#include "storage/point_types.hpp"

namespace sextant::api {

boost::json::value point_id_json(const storage::PointId& id);
boost::json::object record_json(const storage::PointRecord& record, const PayloadSelector& payload,
                                bool with_vectors);
boost::json::object scored_point_json(const storage::PointRecord& record, float score,
                                      const PayloadSelector& payload, bool with_vectors);
boost::json::object select_payload(const boost::json::object& payload,
                                   const PayloadSelector& selector);
boost::json::value vectors_json(const storage::PointVectors& vectors);

}  // namespace sextant::api
