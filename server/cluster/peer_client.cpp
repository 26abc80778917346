// See peer_client.hpp.
#include "server/cluster/peer_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sextant::server {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

Result<PeerResponse> peer_request(const std::string& peer_url, const std::string& method,
                                  const std::string& target, const std::string& body,
                                  const std::map<std::string, std::string>& headers,
                                  std::chrono::milliseconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (!peer_url.starts_with(kScheme))
    return Error::internal("cluster mode: peer URL " + peer_url + " is not http://host:port");
  std::string authority = peer_url.substr(kScheme.size());
  if (auto slash = authority.find('/'); slash != std::string::npos) authority.resize(slash);
  const size_t colon = authority.rfind(':');
  const std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, authority);
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);  // a scroll page of a big collection
    http::read(stream, buffer, parser);
    auto response = parser.release();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return PeerResponse{static_cast<int>(response.result_int()), std::move(response.body())};
  } catch (const std::exception& failure) {
    return Error{ErrorKind::kUnavailable, "Service internal error: cluster peer " + peer_url +
                                              " did not answer: " + failure.what()};
  }
}

}  // namespace sextant::server
