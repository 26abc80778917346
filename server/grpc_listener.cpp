// The gRPC server: builder settings, the engine bridge to the Dispatcher, per-call metrics.
#include "server/grpc_listener.hpp"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "grpc/grpc_services.hpp"
#include "server/log.hpp"

namespace sextant::server {

namespace {

const char* method_text(api::HttpMethod method) {
  switch (method) {
    case api::HttpMethod::kGet:
      return "GET";
    case api::HttpMethod::kPost:
      return "POST";
    case api::HttpMethod::kPut:
      return "PUT";
    case api::HttpMethod::kPatch:
      return "PATCH";
    case api::HttpMethod::kDelete:
      return "DELETE";
    case api::HttpMethod::kHead:
      return "HEAD";
    case api::HttpMethod::kOptions:
      return "OPTIONS";
    case api::HttpMethod::kOther:
      break;
  }
  return "OTHER";
}

// Percent-encodes everything but RFC 3986's unreserved characters (and '/' when `keep_slash`).
std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 0xF]);
    }
  }
  return encoded;
}

std::string request_target(const grpc_wire::EngineCall& call) {
  std::string target = percent_encode(call.path, /*keep_slash=*/true);
  char separator = '?';
  for (const auto& [name, value] : call.query) {
    target += separator;
    target += percent_encode(name, false) + "=" + percent_encode(value, false);
    separator = '&';
  }
  return target;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

// Records each call's duration and status code under its full method name.
class MetricsInterceptor final : public ::grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(RequestMetrics& metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)), started_(std::chrono::steady_clock::now()) {}

  void Intercept(::grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            ::grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      int code = static_cast<int>(methods->GetSendStatus().error_code());
      metrics_.record("", method_, code, std::chrono::steady_clock::now() - started_);
    }
    methods->Proceed();
  }

 private:
  RequestMetrics& metrics_;
  std::string method_;
  std::chrono::steady_clock::time_point started_;
};

class MetricsInterceptorFactory final
    : public ::grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(RequestMetrics& metrics) : metrics_(metrics) {}
  ::grpc::experimental::Interceptor* CreateServerInterceptor(
      ::grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method() ? info->method() : "unknown");
  }

 private:
  RequestMetrics& metrics_;
};

}  // namespace

struct GrpcListener::State {
  const Config& config;
  const Dispatcher& dispatcher;
  WorkerPool& workers;
  RequestMetrics& metrics;
  grpc_wire::ServiceContext context;
  std::vector<std::unique_ptr<::grpc::Service>> services;
  std::unique_ptr<::grpc::Server> server;
  int bound_port = 0;

  grpc_wire::EngineReply call_engine(const grpc_wire::EngineCall& call,
                                     const grpc_wire::CallMetadata& metadata) const {
    RequestHead head;
    head.method = method_text(call.method);
    head.target = request_target(call);
    for (const char* name : {"api-key", "authorization"})
      if (auto found = metadata.find(name); found != metadata.end())
        head.headers.emplace(name, found->second);
    PreparedRequest prepared = dispatcher.prepare(std::move(head));
    api::Response response = dispatcher.execute(prepared, call.body);
    return {response.status, std::move(response.body)};
  }

  // On the worker pool; when the pool has stopped, inline (the call must still finish).
  void run_blocking(std::function<void()> task) {
    auto shared_task = std::make_shared<std::function<void()>>(std::move(task));
    if (!workers.submit([shared_task] { (*shared_task)(); })) (*shared_task)();
  }

  std::shared_ptr<::grpc::ServerCredentials> credentials(std::string* error) const {
    if (!config.service.enable_tls) return ::grpc::InsecureServerCredentials();
    auto cert = read_file(config.tls.cert);
    auto key = read_file(config.tls.key);
    if (!cert || !key) {
      *error = "TLS set-up failed for gRPC: cannot read tls.cert " + config.tls.cert +
               " or tls.key " + config.tls.key;
      return nullptr;
    }
    ::grpc::SslServerCredentialsOptions options(
        config.service.verify_https_client_certificate
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    if (config.tls.ca_cert) {
      auto ca = read_file(*config.tls.ca_cert);
      if (!ca) {
        *error = "TLS set-up failed for gRPC: cannot read tls.ca_cert " + *config.tls.ca_cert;
        return nullptr;
      }
      options.pem_root_certs = *ca;
    } else if (config.service.verify_https_client_certificate) {
      *error = "service.verify_https_client_certificate needs tls.ca_cert";
      return nullptr;
    }
    options.pem_key_cert_pairs.push_back({*key, *cert});
    return ::grpc::SslServerCredentials(options);
  }
};

GrpcListener::GrpcListener(const Config& config, const Dispatcher& dispatcher, WorkerPool& workers,
                           RequestMetrics& metrics)
    : state_(new State{config, dispatcher, workers, metrics, {}, {}, {}, 0}) {
  State* state = state_.get();
  state->context.call_engine = [state](const grpc_wire::EngineCall& call,
                                       const grpc_wire::CallMetadata& metadata) {
    return state->call_engine(call, metadata);
  };
  state->context.run_blocking = [state](std::function<void()> task) {
    state->run_blocking(std::move(task));
  };
}

GrpcListener::~GrpcListener() {
  if (state_->server) shutdown(std::chrono::system_clock::now());
}

bool GrpcListener::start(std::string* error) {
  State& s = *state_;
  const ServiceConfig& service = s.config.service;
  if (!service.grpc_port) {
    log_info("gRPC disabled (service.grpc_port is null)");
    return true;
  }
  auto credentials = s.credentials(error);
  if (!credentials) return false;

  std::string host = service.host.find(':') != std::string::npos && service.host.front() != '['
                         ? "[" + service.host + "]"
                         : service.host;
  std::string address = host + ":" + std::to_string(*service.grpc_port);

  ::grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials, &s.bound_port);
  uint64_t limit = s.config.max_request_size_bytes();
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<uint64_t>(limit, std::numeric_limits<int>::max())));
  builder.SetMaxSendMessageSize(std::numeric_limits<int>::max());
  // Compressed requests are always accepted; answers are gzip-compressed when the client
  // accepts gzip (its grpc-accept-encoding), as Qdrant sends them, and plain otherwise.
  builder.SetDefaultCompressionLevel(GRPC_COMPRESS_LEVEL_LOW);
  // Clients' keep-alive pings are welcome, also between calls; the server pings idle
  // connections every two hours and drops the ones that do not answer within 20 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);

  std::vector<std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<MetricsInterceptorFactory>(s.metrics));
  builder.experimental().SetInterceptorCreators(std::move(factories));

  s.services = grpc_wire::make_services(s.context);
  for (auto& registered : s.services) builder.RegisterService(registered.get());
  s.server = builder.BuildAndStart();
  if (!s.server || s.bound_port == 0) {
    s.server.reset();
    *error = "cannot listen for gRPC on " + address;
    return false;
  }
  log_info(std::string(service.enable_tls ? "TLS enabled" : "TLS disabled") + " for gRPC API");
  log_info("Sextant gRPC listening on " + service.host + ":" + std::to_string(s.bound_port));
  return true;
}

void GrpcListener::shutdown(std::chrono::system_clock::time_point deadline) {
  if (!state_->server) return;
  state_->server->Shutdown(deadline);
  state_->server->Wait();
  state_->server.reset();
}

uint16_t GrpcListener::bound_port() const {
  return state_->server ? static_cast<uint16_t>(state_->bound_port) : 0;
}

}  // namespace sextant::server
