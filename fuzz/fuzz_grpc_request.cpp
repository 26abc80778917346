// libFuzzer target: raw bytes -> a Points gRPC request -> its REST twin's call -> the REST
// parsers that call's route runs.
// The first byte picks the message (0 QueryPoints, 1 SearchPoints, 2 UpsertPoints,
// 3 UpdateBatchPoints); the rest is its protobuf encoding, decoded as the gRPC server decodes it.
// The converters (grpc/points/) must either build a call or throw InvalidProto, the error the
// service answers as INVALID_ARGUMENT; the body they build then goes through the REST parsers.
// Run: build-fuzz/fuzz/fuzz_grpc_request fuzz/corpus/grpc_request -max_len=4096
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/entry_points.hpp"
#include "grpc/points/invalid_proto.hpp"
#include "grpc/points/requests_to_call.hpp"

namespace {

template <class Message>
void decode_and_convert(const uint8_t* data, size_t size, bool update_body) {
  Message request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  sextant::grpc_wire::EngineCall call;
  try {
    call = sextant::grpc_wire::points::to_call(request);
  } catch (const sextant::grpc_wire::points::InvalidProto&) {
    return;  // answered INVALID_ARGUMENT
  }
  if (update_body)
    sextant::fuzz::parse_update_body(call.body);
  else
    sextant::fuzz::parse_request_body(call.body);
}

}  // namespace

// protobuf logs every string field with invalid UTF-8 it rejects: silence it, the outcome counts.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0] % 4;
  ++data;
  --size;
  switch (kind) {
    case 0:
      decode_and_convert<qdrant::QueryPoints>(data, size, false);
      break;
    case 1:
      decode_and_convert<qdrant::SearchPoints>(data, size, false);
      break;
    case 2:
      decode_and_convert<qdrant::UpsertPoints>(data, size, false);
      break;
    case 3:
      decode_and_convert<qdrant::UpdateBatchPoints>(data, size, true);
      break;
  }
  return 0;
}
