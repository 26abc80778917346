// HTTP(S) snapshot download with Boost.Beast; see snapshot_download.hpp.
#include "storage/snapshot/snapshot_download.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <filesystem>
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
constexpr auto kTimeout = std::chrono::minutes(30);

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

// One GET; fills `status` and `location` (for redirects) and writes a 200 body to `path`.
template <typename Stream>
void exchange(Stream& stream, const ParsedUrl& url, const std::string& api_key,
              const std::string& path, unsigned* status, std::string* location) {
  http::request<http::empty_body> request{http::verb::get, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "sextant/" SEXTANT_VERSION);
  if (!api_key.empty()) request.set("api-key", api_key);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::file_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  beast::error_code ec;
  parser.get().body().open(path.c_str(), beast::file_mode::write, ec);
  if (ec) throw beast::system_error(ec);
  http::read(stream, buffer, parser);
  *status = parser.get().result_int();
  auto found = parser.get().find(http::field::location);
  if (found != parser.get().end()) *location = std::string(found->value());
}

Status fetch_once(const ParsedUrl& url, const std::string& api_key, const std::string& path,
                  unsigned* status, std::string* location) {
  try {
    asio::io_context io;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url.host, url.port);
    if (!url.https) {
      beast::tcp_stream stream(io);
      stream.expires_after(kTimeout);
      stream.connect(endpoints);
      exchange(stream, url, api_key, path, status, location);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return {};
    }
    ssl::context context(ssl::context::tls_client);
    context.set_default_verify_paths();
    context.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
      return Error::bad_request("Failed to download snapshot: cannot set TLS server name");
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(kTimeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(ssl::stream_base::client);
    exchange(stream, url, api_key, path, status, location);
    beast::error_code ignored;
    stream.shutdown(ignored);
    return {};
  } catch (const std::exception& error) {
    return Error::bad_request(std::string("Failed to download snapshot: ") + error.what());
  }
}

}  // namespace

Status download_snapshot(const std::string& url, const std::string& destination_path,
                         const std::string& api_key) {
  std::string current = url;
  for (int attempt = 0; attempt <= kMaxRedirects; ++attempt) {
    auto parsed = parse_url(current);
    if (!parsed) return Error::bad_request("Failed to download snapshot: invalid URL " + current);
    unsigned status = 0;
    std::string location;
    if (auto st = fetch_once(*parsed, api_key, destination_path, &status, &location); !st.ok())
      return st;
    if (status >= 300 && status < 400 && !location.empty()) {
      if (location.front() == '/')
        location =
            (parsed->https ? "https://" : "http://") + parsed->host + ":" + parsed->port + location;
      current = location;
      continue;
    }
    if (status != 200)
      return Error::bad_request("Failed to download snapshot from " + current + ": HTTP status " +
                                std::to_string(status));
    return {};
  }
  return Error::bad_request("Failed to download snapshot from " + url + ": too many redirects");
}

}  // namespace sextant::storage::snapshot
