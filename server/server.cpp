// Listener, I/O threads, signals and graceful shutdown.
#include "server/server.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "server/auth.hpp"
#include "server/connection_refusal.hpp"
#include "server/dispatcher.hpp"
#include "server/grpc_listener.hpp"
#include "server/log.hpp"
#include "server/request_metrics.hpp"
#include "server/service_routes.hpp"
#include "server/session.hpp"
#include "server/worker_pool.hpp"

namespace sextant::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

size_t core_count() { return std::max(1u, std::thread::hardware_concurrency()); }

std::string random_uuid() {
  std::random_device device;
  std::mt19937_64 generator(device());
  uint64_t high = generator(), low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;    // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
  return text;
}

// One io_context per I/O thread, each run by that thread alone (concurrency hint 1).
std::vector<std::unique_ptr<boost::asio::io_context>> make_io_contexts(size_t count) {
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  for (size_t i = 0; i < count; ++i)
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
  return contexts;
}

}  // namespace

size_t worker_thread_count(const Config& config) {
  size_t count = 0;
  if (config.service.max_workers) {
    count = *config.service.max_workers == 0 ? core_count() : *config.service.max_workers;
  } else {
    uint32_t search = config.storage.performance.max_search_threads;
    count = search == 0 ? core_count() : search;
  }
  return std::max<size_t>(count, 2);
}

struct Server::State {
  State(const Config& config, api::Api& api)
      : config(config),
        api(api),
        authenticator(config.service),
        dispatcher(router, authenticator, metrics,
                   DispatcherOptions{config.service.enable_cors, config.max_request_size_bytes()}),
        workers(worker_thread_count(config)),
        // One more than the searches that may run on I/O threads at once (as many as the
        // workers), so one I/O thread is always free of them.
        io_threads(std::clamp<size_t>(core_count(), 2, 4) + 1),
        io_contexts(make_io_contexts(io_threads)),
        ioc(*io_contexts.front()),
        acceptor(net::make_strand(ioc)),
        signals(ioc, SIGINT, SIGTERM),
        session_env{dispatcher, workers, registry, SessionSettings{}},
        grpc(config, dispatcher, workers, grpc_metrics) {
    for (auto& context : io_contexts) work_guards.push_back(net::make_work_guard(*context));
    session_env.settings.keep_alive_timeout =
        std::chrono::seconds(config.service.http_keep_alive_timeout_sec);
    session_env.settings.request_head_timeout =
        std::chrono::seconds(config.service.http_client_request_timeout_sec);
    session_env.settings.body_timeout = std::chrono::seconds(config.service.http_body_timeout_sec);
    session_env.settings.body_min_rate_bytes_per_sec =
        config.service.http_body_min_rate_bytes_per_sec;
  }

  // On the acceptor's strand. Sessions only leave the registry concurrently, so a count under
  // the limit here stays under it until the new session is added.
  void serve(tcp::socket socket) {
    const uint32_t limit = config.service.max_connections;
    if (registry.count() >= limit) {
      auto now = std::chrono::steady_clock::now();
      ++refused_since_log;
      if (now - last_refusal_log >= std::chrono::seconds(10)) {
        log_warn("connection limit reached (service.max_connections = " + std::to_string(limit) +
                 "): refused " + std::to_string(refused_since_log) + " connection(s)");
        last_refusal_log = now;
        refused_since_log = 0;
      }
      if (tls) return refuse_tls_connection(std::move(socket));
      return refuse_plain_connection(std::move(socket), limit);
    }
    if (tls) return start_tls_session(std::move(socket), *tls, session_env);
    start_plain_session(std::move(socket), session_env);
  }

  // On the acceptor's strand: the I/O contexts take new connections in turn.
  net::io_context& next_session_context() {
    net::io_context& context = *io_contexts[next_context];
    next_context = (next_context + 1) % io_contexts.size();
    return context;
  }

  void accept() {
    acceptor.async_accept(next_session_context(),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            if (ec) {
                              if (ec == net::error::operation_aborted || !acceptor.is_open())
                                return;
                              log_warn("accept failed: " + ec.message());
                              // Out of descriptors: wait a little rather than spin on accept.
                              if (ec == net::error::no_descriptors) return accept_later();
                            } else {
                              serve(std::move(socket));
                            }
                            accept();
                          });
  }

  void accept_later() {
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](boost::system::error_code ec) {
      if (!ec && acceptor.is_open()) accept();
    });
  }

  const Config& config;
  api::Api& api;
  api::Router router;
  RequestMetrics metrics;
  RequestMetrics grpc_metrics;  // keyed by full gRPC method name and status code
  Authenticator authenticator;
  Dispatcher dispatcher;
  WorkerPool workers;
  SessionRegistry registry;
  size_t io_threads;
  // A connection's handlers all run on the one I/O thread whose context it was given when
  // accepted, so a socket event never wakes a second thread to take over the reactor (as it
  // would with one context run by every I/O thread). Connections are spread over the contexts
  // in turn, with the context's own executor: one thread runs each context, so a connection's
  // handlers never run concurrently without a strand. A small search run on an I/O thread
  // (Execution::kWorkerOrIdleInline) delays only the connections of its own thread. `ioc`, the
  // first, also holds the acceptor and signals.
  std::vector<std::unique_ptr<net::io_context>> io_contexts;
  net::io_context& ioc;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_guards;
  size_t next_context = 0;  // on the acceptor's strand
  std::optional<net::ssl::context> tls;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer accept_retry{acceptor.get_executor()};
  std::chrono::steady_clock::time_point last_refusal_log;
  uint64_t refused_since_log = 0;
  SessionEnv session_env;
  GrpcListener grpc;
  std::vector<std::thread> threads;

  std::mutex stop_mutex;
  std::condition_variable stop_requested_cv;
  bool stop_requested = false;
};

Server::Server(const Config& config, api::Api& api) : state_(std::make_unique<State>(config, api)) {
  ServiceContext context;
  context.config = &config;
  context.api = &api;
  context.metrics = &state_->metrics;
  context.grpc_metrics = &state_->grpc_metrics;
  context.telemetry_id = random_uuid();
  context.startup = std::chrono::system_clock::now();
  register_service_routes(context, state_->router);
}

Server::~Server() {
  if (!state_->threads.empty()) drain(std::chrono::seconds(0));
}

api::Router& Server::router() { return state_->router; }

uint16_t Server::grpc_bound_port() const { return state_->grpc.bound_port(); }

uint16_t Server::bound_port() const {
  boost::system::error_code ec;
  auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

bool Server::start(std::string* error) {
  State& s = *state_;
  const ServiceConfig& service = s.config.service;
  if (service.enable_tls) {
    try {
      s.tls.emplace(net::ssl::context::tls_server);
      s.tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1);
      s.tls->use_certificate_chain_file(s.config.tls.cert);
      s.tls->use_private_key_file(s.config.tls.key, net::ssl::context::pem);
      if (service.verify_https_client_certificate) {
        if (!s.config.tls.ca_cert) {
          *error = "service.verify_https_client_certificate needs tls.ca_cert";
          return false;
        }
        s.tls->load_verify_file(*s.config.tls.ca_cert);
        s.tls->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
      }
    } catch (const boost::system::system_error& e) {
      *error = "TLS set-up failed (tls.cert " + s.config.tls.cert + ", tls.key " +
               s.config.tls.key + "): " + e.what();
      return false;
    }
  }

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto address = net::ip::make_address(service.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, service.http_port);
  } else {
    tcp::resolver resolver(s.ioc);
    auto results = resolver.resolve(service.host, std::to_string(service.http_port), ec);
    if (ec || results.empty()) {
      *error = "cannot resolve service.host '" + service.host + "': " + ec.message();
      return false;
    }
    endpoint = results.begin()->endpoint();
  }
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "cannot listen on " + service.host + ":" + std::to_string(service.http_port) + ": " +
             ec.message();
    return false;
  }

  s.signals.async_wait([this](boost::system::error_code signal_ec, int signal_number) {
    if (signal_ec) return;
    log_info(std::string("Received ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
             ", shutting down gracefully (send it again to exit immediately)");
    {
      std::lock_guard lock(state_->stop_mutex);
      state_->stop_requested = true;
    }
    state_->stop_requested_cv.notify_all();
    state_->signals.async_wait([](boost::system::error_code again_ec, int) {
      if (again_ec) return;
      log_warn("Second signal received, exiting without waiting for in-flight requests");
      std::_Exit(1);
    });
  });

  if (!s.grpc.start(error)) {
    s.acceptor.close(ec);
    return false;
  }

  s.accept();
  for (auto& context : s.io_contexts) s.threads.emplace_back([&context] { context->run(); });
  log_info(std::string(service.enable_tls ? "TLS enabled" : "TLS disabled") + " for REST API; " +
           std::to_string(s.io_threads) + " I/O thread(s), " +
           std::to_string(s.workers.thread_count()) + " worker thread(s)");
  log_info("Sextant HTTP listening on " + service.host + ":" + std::to_string(bound_port()));
  return true;
}

void Server::wait() {
  std::unique_lock lock(state_->stop_mutex);
  state_->stop_requested_cv.wait(lock, [this] { return state_->stop_requested; });
}

void Server::drain(std::chrono::seconds grace_period) {
  State& s = *state_;
  net::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
  });
  s.registry.begin_draining();
  auto deadline = std::chrono::steady_clock::now() + grace_period;
  // gRPC calls in flight finish within the same grace period, before the worker pool stops.
  s.grpc.shutdown(std::chrono::system_clock::now() + grace_period);
  while (s.registry.count() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (s.registry.count() > 0) {
    log_warn(std::to_string(s.registry.count()) +
             " connection(s) still busy after the grace period; closing them");
  }
  s.workers.stop();
  for (auto& guard : s.work_guards) guard.reset();
  for (auto& context : s.io_contexts) context->stop();
  for (auto& thread : s.threads) {
    if (thread.joinable()) thread.join();
  }
  s.threads.clear();
  // Answers still on their way from the embedding service find no I/O context from here on.
  std::lock_guard gate_lock(s.session_env.reply_gate->mutex);
  s.session_env.reply_gate->open = false;
}

}  // namespace sextant::server
