// How a service method runs: off gRPC's callback threads, on the server's worker pool.
//
// A service method of the callback API returns a reactor at once; the work (conversion, the
// engine call, conversion back) runs through ServiceContext::run_blocking, which the server
// points at its worker pool, and finishes the reactor with the status it returns. The call's
// metadata is copied first (lower-case keys), so the work never touches the context's maps.
//
// Invariants: the ServiceContext outlives every call; `work` runs exactly once.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "grpc/engine_call.hpp"

namespace sextant::grpc_wire {

using CallMetadata = std::map<std::string, std::string>;

struct ServiceContext {
  EngineCaller call_engine;
  // Runs a task on the worker pool (or inline, in tests).
  std::function<void(std::function<void()>)> run_blocking;
};

inline CallMetadata metadata_of(const ::grpc::CallbackServerContext& context) {
  CallMetadata metadata;
  for (const auto& [key, value] : context.client_metadata())
    metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  return metadata;
}

// `work`: ::grpc::Status(const CallMetadata&), filling the response it captured.
template <class Work>
::grpc::ServerUnaryReactor* run_unary(::grpc::CallbackServerContext* context,
                                      const ServiceContext& service, Work work) {
  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  service.run_blocking([reactor, metadata = metadata_of(*context),
                        work = std::move(work)]() mutable { reactor->Finish(work(metadata)); });
  return reactor;
}

}  // namespace sextant::grpc_wire
