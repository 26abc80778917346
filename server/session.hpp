// HTTP/1.1 sessions: one per accepted connection, plain or TLS, with keep-alive (Beast's
// advanced-server shape). A session reads a request head, lets the Dispatcher decide
// (preflight, 401/403/404, oversize body) before reading the body, reads the body into memory
// or, for routes that stream it (snapshot uploads), into the route's receiver piece by piece
// (request_body.hpp), runs the handler inline or on the worker pool (answering at the
// request's `timeout` deadline instead if that comes first; request_deadline.hpp), writes the
// response and loops until the peer closes, a timeout fires, or the server drains.
//
// Ownership: a session keeps itself alive through shared_ptr captures in its pending
// operations (including a handler running on the worker pool); SessionEnv and everything it
// references are owned by the Server and outlive every session.
//
// Draining (graceful shutdown): SessionRegistry::begin_draining() closes sessions that are
// waiting for a next request; busy sessions finish their current request, answer it with
// "Connection: close" and end. The registry's count reaches zero when all have ended.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/dispatcher.hpp"
#include "server/worker_pool.hpp"

namespace sextant::server {

// The part of a session the registry may call from another thread.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  // Closes the connection if no request is in progress; otherwise it closes after the
  // current response. Safe to call from any thread.
  virtual void close_when_idle() = 0;
};

class SessionRegistry {
 public:
  uint64_t add(std::weak_ptr<SessionControl> session);
  void remove(uint64_t id);
  size_t count() const;
  bool draining() const;
  void begin_draining();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::weak_ptr<SessionControl>> sessions_;
  uint64_t next_id_ = 1;
  bool draining_ = false;
};

// Time limits against slow and hostile clients. A head must arrive whole within its timeout
// however it trickles in (a slowloris sending a byte at a time is cut off); a body gets
// body_timeout plus one second per body_min_rate_bytes_per_sec bytes received, so a large
// body that keeps arriving at a fair rate passes and one that crawls or stalls is cut off.
struct SessionSettings {
  std::chrono::seconds keep_alive_timeout{5};    // idle time allowed between requests
  std::chrono::seconds request_head_timeout{5};  // time to receive a request head
  std::chrono::seconds body_timeout{30};
  uint64_t body_min_rate_bytes_per_sec = 1024;
  std::chrono::seconds write_timeout{300};
};

// Lets answers that arrive from outside the server's threads (api::Route::async_handler) reach
// a session's executor only while the I/O context exists: the server closes it once its I/O
// threads have stopped, and an answer arriving later is dropped with its session. Shared by
// every pending answer, so it outlives the server.
struct ReplyGate {
  std::mutex mutex;
  bool open = true;
};

struct SessionEnv {
  const Dispatcher& dispatcher;
  WorkerPool& workers;
  SessionRegistry& registry;
  SessionSettings settings;
  std::shared_ptr<ReplyGate> reply_gate = std::make_shared<ReplyGate>();
};

void start_plain_session(boost::asio::ip::tcp::socket socket, SessionEnv& env);
void start_tls_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                       SessionEnv& env);

}  // namespace sextant::server
