// HTTP(S) snapshot download with Boost.Beast's asynchronous API on a private io_context, so
// that every step runs under a deadline (blocking Beast calls ignore expires_after); see
// snapshot_download.hpp.
#include "storage/snapshot/snapshot_download.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <exception>
#include <limits>
#include <optional>

namespace sextant::storage::snapshot {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr int kMaxRedirects = 5;

struct ParsedUrl {
  bool https = false;
  std::string host;
  std::string port;
  std::string target;
};

std::optional<ParsedUrl> parse_url(const std::string& url) {
  ParsedUrl parsed;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    parsed.https = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  parsed.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos)
    authority = authority.substr(authority.find('@') + 1);
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    parsed.host = authority.substr(0, colon);
    parsed.port = authority.substr(colon + 1);
  } else {
    parsed.host = authority;
    parsed.port = parsed.https ? "443" : "80";
  }
  if (bracketed && parsed.host.size() >= 2)
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  if (parsed.host.empty()) return std::nullopt;
  return parsed;
}

// What one GET brought: the status and, for a redirect, where to. A 200 body is in the file.
struct Reply {
  unsigned status = 0;
  std::string location;
};

// The step in progress, so that a failure (above all a timeout) says where the peer stalled.
enum class Step { kResolving, kConnecting, kHandshake, kSending, kWaiting, kReceiving };

const char* describe(Step step) {
  switch (step) {
    case Step::kResolving:
      return "resolving the host";
    case Step::kConnecting:
      return "connecting";
    case Step::kHandshake:
      return "in the TLS handshake";
    case Step::kSending:
      return "sending the request";
    case Step::kWaiting:
      return "waiting for the response";
    case Step::kReceiving:
      return "receiving the snapshot";
  }
  return "";
}

struct Attempt {
  const ParsedUrl& url;
  const std::string& api_key;
  const std::string& path;
  const DownloadTimeouts& timeouts;
  Step step = Step::kResolving;
  Reply reply;
};

// One GET over a connected stream; every wait is bounded by timeouts.read.
template <typename Stream>
asio::awaitable<void> exchange(Stream& stream, Attempt& attempt) {
  beast::tcp_stream& socket = beast::get_lowest_layer(stream);
  http::request<http::empty_body> request{http::verb::get, attempt.url.target, 11};
  request.set(http::field::host, attempt.url.host);
  request.set(http::field::user_agent, "sextant/" SEXTANT_VERSION);
  if (!attempt.api_key.empty()) request.set("api-key", attempt.api_key);
  attempt.step = Step::kSending;
  socket.expires_after(attempt.timeouts.read);
  co_await http::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::file_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  beast::error_code ec;
  parser.get().body().open(attempt.path.c_str(), beast::file_mode::write, ec);
  if (ec) throw beast::system_error(ec);
  attempt.step = Step::kWaiting;
  socket.expires_after(attempt.timeouts.read);
  co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
  // Each piece renews the deadline: a slow peer may take long in all, a silent one may not.
  attempt.step = Step::kReceiving;
  while (!parser.is_done()) {
    socket.expires_after(attempt.timeouts.read);
    co_await http::async_read_some(stream, buffer, parser, asio::use_awaitable);
  }
  attempt.reply.status = parser.get().result_int();
  auto found = parser.get().find(http::field::location);
  if (found != parser.get().end()) attempt.reply.location = std::string(found->value());
}

asio::awaitable<void> fetch_plain(Attempt& attempt) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto endpoints =
      co_await resolver.async_resolve(attempt.url.host, attempt.url.port, asio::use_awaitable);
  beast::tcp_stream stream(executor);
  attempt.step = Step::kConnecting;
  stream.expires_after(attempt.timeouts.connect);
  co_await stream.async_connect(endpoints, asio::use_awaitable);
  co_await exchange(stream, attempt);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> fetch_tls(Attempt& attempt, ssl::context& context) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto endpoints =
      co_await resolver.async_resolve(attempt.url.host, attempt.url.port, asio::use_awaitable);
  beast::ssl_stream<beast::tcp_stream> stream(executor, context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), attempt.url.host.c_str()))
    throw std::runtime_error("cannot set TLS server name");
  stream.set_verify_callback(ssl::host_name_verification(attempt.url.host));
  attempt.step = Step::kConnecting;
  beast::get_lowest_layer(stream).expires_after(attempt.timeouts.connect);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  attempt.step = Step::kHandshake;
  beast::get_lowest_layer(stream).expires_after(attempt.timeouts.read);
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  co_await exchange(stream, attempt);
  // A peer that does not answer the close_notify must not hold us either; errors are moot.
  beast::get_lowest_layer(stream).expires_after(attempt.timeouts.read);
  beast::error_code ignored;
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
}

Result<Reply> fetch_once(const std::string& url_text, const ParsedUrl& url,
                         const std::string& api_key, const std::string& path,
                         const DownloadTimeouts& timeouts) {
  Attempt attempt{url, api_key, path, timeouts, Step::kResolving, {}};
  std::exception_ptr failure;
  try {
    asio::io_context io;
    std::optional<ssl::context> tls;
    auto on_done = [&failure](std::exception_ptr error) { failure = error; };
    if (url.https) {
      tls.emplace(ssl::context::tls_client);
      tls->set_default_verify_paths();
      tls->set_verify_mode(ssl::verify_peer);
      asio::co_spawn(io, fetch_tls(attempt, *tls), on_done);
    } else {
      asio::co_spawn(io, fetch_plain(attempt), on_done);
    }
    io.run();
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) return attempt.reply;

  const std::string prefix = "Failed to download snapshot from " + url_text + ": ";
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& error) {
    if (error.code() == beast::error::timeout) {
      auto limit = attempt.step == Step::kConnecting ? timeouts.connect : timeouts.read;
      return Error::bad_request(prefix + "timed out after " + std::to_string(limit.count()) +
                                " s " + describe(attempt.step));
    }
    return Error::bad_request(prefix + describe(attempt.step) + ": " + error.code().message());
  } catch (const std::exception& error) {
    return Error::bad_request(prefix + describe(attempt.step) + ": " + error.what());
  }
}

}  // namespace

Status download_snapshot(const std::string& url, const std::string& destination_path,
                         const std::string& api_key, const DownloadTimeouts& timeouts) {
  std::string current = url;
  for (int attempt = 0; attempt <= kMaxRedirects; ++attempt) {
    auto parsed = parse_url(current);
    if (!parsed) return Error::bad_request("Failed to download snapshot: invalid URL " + current);
    auto reply = fetch_once(current, *parsed, api_key, destination_path, timeouts);
    if (!reply.ok()) return reply.error();
    std::string location = reply->location;
    if (reply->status >= 300 && reply->status < 400 && !location.empty()) {
      if (location.front() == '/')
        location =
            (parsed->https ? "https://" : "http://") + parsed->host + ":" + parsed->port + location;
      current = location;
      continue;
    }
    if (reply->status != 200)
      return Error::bad_request("Failed to download snapshot from " + current + ": HTTP status " +
                                std::to_string(reply->status));
    return {};
  }
  return Error::bad_request("Failed to download snapshot from " + url + ": too many redirects");
}

}  // namespace sextant::storage::snapshot
