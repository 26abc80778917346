// InvalidProto: a protobuf request the REST twin cannot be built from (a required oneof left
// empty, an unknown enum value, a deprecated vector form that does not add up).
//
// Converters in grpc/points/ throw it while walking a message; the Points service catches it at
// the call boundary and answers INVALID_ARGUMENT with its text, so it never leaves this module.
#pragma once

#include <stdexcept>
#include <string>

namespace sextant::grpc_wire::points {

class InvalidProto : public std::runtime_error {
 public:
  explicit InvalidProto(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace sextant::grpc_wire::points
