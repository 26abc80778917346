// HttpClient: Beast's asynchronous operations run to completion on a private io_context, so
// that tcp_stream's expiry bounds each step (connect, handshake, write, read) by the timeout.
#include "migrate/http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <thread>

namespace sextant::migrate {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Connection {
  asio::io_context io;
  asio::ssl::context tls_context{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp_layer() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool is_open() { return (plain || secure) && tcp_layer().socket().is_open(); }
  void close() {
    if (plain || secure) {
      beast::error_code ignored;
      tcp_layer().socket().close(ignored);
    }
    plain.reset();
    secure.reset();
    buffer.clear();
  }
  // Runs the queued asynchronous operation to completion.
  void run() {
    io.restart();
    io.run();
  }
};

namespace {

bool parse_url(const std::string& url, bool* tls, std::string* host, std::string* port,
               std::string* path) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    *tls = false;
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    *tls = true;
    rest = url.substr(8);
  } else {
    return false;
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  *path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!path->empty() && path->back() == '/') path->pop_back();
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    *host = authority.substr(0, colon);
    *port = authority.substr(colon + 1);
  } else {
    *host = authority;
    *port = *tls ? "443" : "80";
  }
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return !host->empty() && !port->empty() &&
         std::all_of(port->begin(), port->end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

HttpClient::HttpClient(EndpointOptions options) : options_(std::move(options)) {}
HttpClient::~HttpClient() {
  if (connection_) connection_->close();
}

Result<std::unique_ptr<HttpClient>> HttpClient::open(const EndpointOptions& options) {
  std::unique_ptr<HttpClient> client(new HttpClient(options));
  if (!parse_url(options.url, &client->tls_, &client->host_, &client->port_, &client->base_path_)) {
    return local_error("'" + options.url + "' is not an http:// or https:// URL");
  }
  client->connection_ = std::make_unique<Connection>();
  if (client->tls_) {
    auto& context = client->connection_->tls_context;
    beast::error_code ec;
    if (options.ca_file.empty()) {
      context.set_default_verify_paths(ec);
    } else {
      context.load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return local_error("cannot load trusted certificates" +
                         (options.ca_file.empty() ? "" : " from " + options.ca_file) + ": " +
                         ec.message());
    }
    context.set_verify_mode(asio::ssl::verify_peer);
  }
  return client;
}

Result<HttpResponse> HttpClient::request(const std::string& method, const std::string& target,
                                         const std::string& body) {
  Result<HttpResponse> last = Error::internal("no attempt made");
  for (int attempt_number = 0; attempt_number <= options_.retries; ++attempt_number) {
    if (attempt_number > 0) {
      auto backoff = std::chrono::milliseconds(std::min(8000, 500 << (attempt_number - 1)));
      std::this_thread::sleep_for(backoff);
    }
    last = attempt(method, target, body);
    if (last.ok() && last->status < 500) return last;
    if (!last.ok() && last.error().kind == ErrorKind::kForbidden) return last;  // never transient
  }
  return last;
}

Result<HttpResponse> HttpClient::attempt(const std::string& method, const std::string& target,
                                         const std::string& body) {
  Connection& c = *connection_;
  beast::error_code ec;
  auto step_failed = [&](const char* step) -> Error {
    std::string message = options_.url + ": " + step + " failed: " + ec.message();
    c.close();
    return Error::unavailable(message);
  };

  if (!c.is_open()) {
    c.close();
    tcp::resolver resolver(c.io);
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) return step_failed("resolving the host");
    if (tls_) {
      c.secure.emplace(c.io, c.tls_context);
      if (!SSL_set_tlsext_host_name(c.secure->native_handle(), host_.c_str())) {
        return Error::unavailable(options_.url + ": cannot set the TLS server name");
      }
      c.secure->set_verify_callback(asio::ssl::host_name_verification(host_));
    } else {
      c.plain.emplace(c.io);
    }
    c.tcp_layer().expires_after(options_.timeout);
    c.tcp_layer().async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
    c.run();
    if (ec) return step_failed("connecting");
    if (tls_) {
      c.tcp_layer().expires_after(options_.timeout);
      c.secure->async_handshake(asio::ssl::stream_base::client,
                                [&](beast::error_code e) { ec = e; });
      c.run();
      if (ec) {
        // An untrusted certificate or a wrong host name does not heal with retries.
        Error failed = step_failed("the TLS handshake");
        failed.kind = ErrorKind::kForbidden;
        return failed;
      }
    }
  }

  http::request<http::string_body> req{http::string_to_verb(method), base_path_ + target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "sextant-migrate/" SEXTANT_VERSION);
  req.keep_alive(true);
  if (!options_.api_key.empty()) req.set("api-key", options_.api_key);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  auto write_then_read = [&](auto& stream) {
    c.tcp_layer().expires_after(options_.timeout);
    http::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
    c.run();
    if (ec) return;
    c.tcp_layer().expires_after(options_.timeout);
    http::async_read(stream, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    c.run();
  };
  if (tls_) {
    write_then_read(*c.secure);
  } else {
    write_then_read(*c.plain);
  }
  if (ec) return step_failed(method == "GET" ? "reading" : "sending the request");

  auto response = parser.release();
  HttpResponse result{static_cast<int>(response.result_int()), std::move(response.body())};
  if (!response.keep_alive()) c.close();
  return result;
}

}  // namespace sextant::migrate
