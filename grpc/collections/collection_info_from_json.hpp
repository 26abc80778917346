// GET /collections/{name}'s result -> qdrant.CollectionInfo.
//
// The generic rules of proto_json.hpp cover most of it; this adds the two places where the
// REST shape differs from the message: optimizer_status ("ok" or {"error": text} -> ok/error)
// and each payload_schema entry's `params`, tagged by its `type` on the REST side and by the
// oneof member (keyword_index_params, ...) in the message; and, as Qdrant answers, a numeric
// max_optimization_threads repeated in deprecated_max_optimization_threads.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "collections.pb.h"

namespace sextant::grpc_wire {

bool collection_info_from_json(const boost::json::value& result, qdrant::CollectionInfo* info,
                               std::string* error);

}  // namespace sextant::grpc_wire
