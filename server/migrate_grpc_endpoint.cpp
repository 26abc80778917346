// open_migrate_grpc_endpoint: migrate's Transport over grpc/client's RestOverGrpc.
#include "server/migrate_grpc_endpoint.hpp"

#include "grpc/client/rest_over_grpc.hpp"

namespace sextant::server {

namespace {

using grpc_wire::client::GrpcEndpointOptions;
using grpc_wire::client::RestOverGrpc;

class GrpcTransport : public migrate::Transport {
 public:
  GrpcTransport(std::unique_ptr<RestOverGrpc> client, std::string url)
      : client_(std::move(client)), url_(std::move(url)) {}

  Result<migrate::HttpResponse> request(const std::string& method, const std::string& target,
                                        const std::string& body) override {
    auto answer = client_->request(method, target, body);
    return migrate::HttpResponse{answer.status, std::move(answer.body)};
  }

  const std::string& url() const override { return url_; }

 private:
  std::unique_ptr<RestOverGrpc> client_;
  std::string url_;
};

class GrpcEndpoint : public migrate::LocalTarget {
 public:
  explicit GrpcEndpoint(GrpcEndpointOptions options) : options_(std::move(options)) {}

  // open() succeeded once with the same options, so it succeeds again (the URL and the
  // certificates were checked); a failure here could only be a ca_file removed meanwhile.
  std::unique_ptr<migrate::Transport> connect() override {
    auto client = RestOverGrpc::open(options_);
    if (!client.ok()) return nullptr;
    return std::make_unique<GrpcTransport>(std::move(*client), options_.url);
  }

 private:
  GrpcEndpointOptions options_;
};

}  // namespace

Result<std::shared_ptr<migrate::LocalTarget>> open_migrate_grpc_endpoint(
    const migrate::EndpointOptions& options) {
  GrpcEndpointOptions grpc_options{options.url, options.api_key, options.ca_file, options.timeout,
                                   options.retries};
  auto probe = RestOverGrpc::open(grpc_options);
  if (!probe.ok()) return probe.error();
  return std::shared_ptr<migrate::LocalTarget>(
      std::make_shared<GrpcEndpoint>(std::move(grpc_options)));
}

}  // namespace sextant::server
