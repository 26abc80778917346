// The 503 written to connections past the limit; see connection_refusal.hpp.
#include "server/connection_refusal.hpp"

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace sextant::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Long enough for the peer to read the answer; short enough that refused peers cannot pile up.
constexpr auto kGrace = std::chrono::seconds(2);

std::string refusal_text(uint32_t max_connections) {
  std::string body =
      "{\"status\":{\"error\":\"Service unavailable: too many open connections (limit " +
      std::to_string(max_connections) + ", service.max_connections)\"},\"time\":0}";
  return "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
         "connection: close\r\nretry-after: 1\r\ncontent-length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket socket, uint32_t max_connections)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        text_(refusal_text(max_connections)) {}

  void start() {
    timer_.expires_after(kGrace);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close();
    });
    net::async_write(socket_, net::buffer(text_),
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       if (ec) return self->close();
                       boost::system::error_code ignored;
                       self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                       self->drain();
                     });
  }

 private:
  // Reading what the peer sent until it closes keeps the kernel from answering its unread
  // request with a reset, which could destroy the 503 before the peer reads it.
  void drain() {
    socket_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  std::string text_;
  std::array<char, 4096> scratch_{};
};

}  // namespace

void refuse_plain_connection(tcp::socket socket, uint32_t max_connections) {
  std::make_shared<Refusal>(std::move(socket), max_connections)->start();
}

void refuse_tls_connection(tcp::socket socket) {
  boost::system::error_code ignored;
  socket.close(ignored);
}

}  // namespace sextant::server
