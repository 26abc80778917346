// Vectors: points.proto's Vector / Vectors / VectorInput as the REST vector JSON, and the
// REST vector output back as VectorsOutput.
//
// Input forms: dense -> [f...], sparse -> {"indices","values"}, multi_dense -> [[f...]...],
// document/image/object -> {"text"|"image"|"object", "model", "options"} (inferred by the
// REST route), NamedVectors -> {"name": vector}. The deprecated form clients still send (`data`
// with `indices` for sparse, with `vectors_count` for multi-dense, alone for dense) maps the same.
// Output forms follow the 1.19 contract: only the `vector` oneof is filled, never `data`.
//
// Invariants: an empty oneof throws InvalidProto with Qdrant's text.
#pragma once

#include <boost/json/value.hpp>

#include "points.pb.h"

namespace sextant::grpc_wire::points {

boost::json::value dense_to_json(const google::protobuf::RepeatedField<float>& data);
boost::json::value vector_to_json(const qdrant::Vector& vector);
boost::json::value vectors_to_json(const qdrant::Vectors& vectors);
boost::json::value vector_input_to_json(const qdrant::VectorInput& input);

// A point's `vector` in a REST result (a list, a sparse object, a list of lists, or named).
void vectors_output_from_json(const boost::json::value& json, qdrant::VectorsOutput* output);

}  // namespace sextant::grpc_wire::points
