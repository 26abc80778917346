#include "api/api.hpp"

namespace sextant::api {

struct Api::Impl {
  ApiConfig config;
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

std::unique_ptr<Api> Api::open(const ApiConfig& config, std::string* /*error*/) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

void Api::register_routes(Router& /*router*/) {}
ServiceStats Api::stats() const { return {}; }
std::string Api::telemetry_collections_json() const { return "[]"; }
void Api::shutdown() {}

}  // namespace sextant::api
