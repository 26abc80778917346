// Beast implementation of HTTP sessions. Every completion handler runs on the session's
// strand; the only work leaving the strand is a handler submitted to the worker pool, whose
// response is posted back to the strand.
#include "server/session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <limits>
#include <optional>

#include "api/envelope.hpp"
#include "server/connection_watchdog.hpp"
#include "server/log.hpp"
#include "server/request_body.hpp"

namespace sextant::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

uint64_t SessionRegistry::add(std::weak_ptr<SessionControl> session) {
  std::lock_guard lock(mutex_);
  uint64_t id = next_id_++;
  sessions_.emplace(id, std::move(session));
  return id;
}

void SessionRegistry::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

size_t SessionRegistry::count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool SessionRegistry::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

void SessionRegistry::begin_draining() {
  std::vector<std::shared_ptr<SessionControl>> live;
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
    for (auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->close_when_idle();
}

namespace {

constexpr uint32_t kHeaderLimitBytes = 64 * 1024;

template <typename Stream>
class Session : public SessionControl, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <typename... StreamArgs>
  Session(SessionEnv& env, StreamArgs&&... stream_args)
      : env_(env),
        stream_(std::forward<StreamArgs>(stream_args)...),
        deadline_timer_(stream_.get_executor()),
        watchdog_(stream_.get_executor()) {}

  ~Session() override {
    if (registry_id_) env_.registry.remove(registry_id_);
  }

  void start() {
    registry_id_ = env_.registry.add(this->weak_from_this());
    // Beast's stream keeps no timer of its own (its expiry stays `never`): the watchdog cuts
    // off the read or write pending when a step's deadline passes; the operation then fails
    // (cancelled) and the session closes, as it does on any failed read or write.
    watchdog_.start(this->weak_from_this(), [this] {
      beast::error_code ignored;
      lowest_layer().socket().cancel(ignored);
    });
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->watchdog_.set_after(self->env_.settings.request_head_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->close();
          self->read_head();
        });
      } else {
        self->read_head();
      }
    });
  }

  void close_when_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->lowest_layer().cancel();
    });
  }

 private:
  beast::tcp_stream& lowest_layer() { return beast::get_lowest_layer(stream_); }

  void read_head() {
    if (env_.registry.draining()) return close();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(kHeaderLimitBytes);
    // The real limit depends on the route; it is set once the head has been dispatched.
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    watchdog_.set_after(first_request_ ? env_.settings.request_head_timeout
                                       : env_.settings.keep_alive_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    first_request_ = false;
    if (ec) {
      // A malformed head gets actix's bare 400; a closed or idle connection just ends.
      bool http_parse_error =
          ec.category() == http::make_error_code(http::error::bad_target).category();
      if (http_parse_error && ec != http::error::end_of_stream) {
        return send_plain_error(400);
      }
      return close();
    }
    busy_ = true;
    auto& message = parser_->get();
    RequestHead head;
    head.method = std::string(message.method_string());
    head.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = head.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second.append(", ").append(field.value());
    }
    prepared_ = env_.dispatcher.prepare(std::move(head));

    const bool early = prepared_.early_response.has_value();
    const uint64_t limit = early ? kEarlyDrainLimitBytes : prepared_.body_limit_bytes;
    std::optional<uint64_t> declared;
    if (auto length = parser_->content_length()) declared = *length;
    if (declared && *declared > limit) {
      close_after_response_ = true;
      api::Response response =
          early ? *prepared_.early_response : env_.dispatcher.oversized_body(prepared_, declared);
      return send(std::move(response));
    }
    parser_->body_limit(limit);
    if (declared) reserve_read_buffer(*declared);
    if (!early) attach_body_receiver();
    if (!parser_->is_done() && message[http::field::expect] == "100-continue" && !early) {
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                        message.version());
      watchdog_.set_after(env_.settings.write_timeout);
      return http::async_write(
          stream_, *interim,
          [self = this->shared_from_this(), interim](beast::error_code ec, size_t) {
            if (ec) return self->close();
            self->read_body();
          });
    }
    read_body();
  }

  // Each read takes at most the buffer's free capacity, which stays at its first 512 bytes
  // while the parser moves every piece into the body: a search body of a few KiB would take a
  // dozen reads, each a recvmsg, a timer re-arm and a pass through the reactor. Room for the
  // declared body (up to kReadBufferReserveLimitBytes; the capacity is kept for the requests
  // that follow on this connection) takes it in one or two reads.
  void reserve_read_buffer(uint64_t body_bytes) {
    const uint64_t wanted =
        std::min<uint64_t>(buffer_.size() + body_bytes, kReadBufferReserveLimitBytes);
    if (wanted > buffer_.capacity()) buffer_.reserve(static_cast<size_t>(wanted));
  }

  // Routes that stream their body get it piece by piece in their receiver (request_body.hpp).
  void attach_body_receiver() {
    auto& receiver = prepared_.request.received_body;
    if (!receiver) return;
    if (parser_->is_done()) return receiver->finish();  // no body: nothing will arrive
    parser_->get().body().receiver = receiver;
  }

  // The body is read piece by piece; after each piece the deadline moves on by the time the
  // minimum rate allows for the bytes received so far (SessionSettings).
  void read_body() {
    body_started_ = std::chrono::steady_clock::now();
    body_bytes_read_ = 0;
    read_body_piece();
  }

  void read_body_piece() {
    if (parser_->is_done()) return on_body({});
    const auto& settings = env_.settings;
    auto earned = std::chrono::seconds(body_bytes_read_ / settings.body_min_rate_bytes_per_sec);
    watchdog_.set(body_started_ + settings.body_timeout + earned);
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, size_t bytes) {
                            if (ec) return self->on_body(ec);
                            self->body_bytes_read_ += bytes;
                            self->read_body_piece();
                          });
  }

  void on_body(beast::error_code ec) {
    watchdog_.clear();  // nothing is read or written until the answer is sent
    auto& body = parser_->get().body();
    body.receiver.reset();  // the request keeps it for the handler; it ends with the request
    if (ec && body.stopped_by_receiver) {
      // The receiver refused the rest (e.g. a malformed form): the handler reports why, and
      // the unread remainder of the body makes the connection unusable.
      close_after_response_ = true;
      ec = {};
    }
    if (ec == http::error::body_limit) {
      close_after_response_ = true;
      api::Response response = prepared_.early_response
                                   ? *prepared_.early_response
                                   : env_.dispatcher.oversized_body(prepared_, std::nullopt);
      return send(std::move(response));
    }
    if (ec) {
      prepared_.request.received_body.reset();  // an unfinished stream undoes itself now
      return close();
    }
    if (prepared_.early_response) return send(*prepared_.early_response);
    if (prepared_.route->execution == api::Execution::kInline) {
      return send(env_.dispatcher.execute(prepared_, body.text));
    }
    if (prepared_.route->async_handler) return start_async(body.text);
    if (runs_here_when_idle(body.text.size()) && env_.workers.try_borrow_idle()) {
      api::Response response = env_.dispatcher.execute(prepared_, body.text);
      env_.workers.end_borrow();
      return send(std::move(response));
    }
    auto self = this->shared_from_this();
    const uint64_t serial = ++request_serial_;
    bool submitted = env_.workers.submit([self, serial] {
      api::Response response = self->run_unless_expired();
      net::post(self->stream_.get_executor(),
                [self, serial, response = std::move(response)]() mutable {
                  self->answer(serial, std::move(response));
                });
    });
    if (!submitted) {
      close_after_response_ = true;
      return send(api::error_response(503, "Service is shutting down"));
    }
    if (prepared_.deadline) arm_deadline(serial);
  }

  // A route that waits on its own queue (api::Route::async_handler) starts here, on this I/O
  // thread, and its answer comes back to this strand; no worker waits for it.
  void start_async(const std::string& body) {
    auto self = this->shared_from_this();
    const uint64_t serial = ++request_serial_;
    env_.dispatcher.execute_async(
        prepared_, body, [self, serial, gate = env_.reply_gate](api::Response response) {
          std::lock_guard lock(gate->mutex);
          if (!gate->open) return;
          net::post(self->stream_.get_executor(),
                    [self, serial, response = std::move(response)]() mutable {
                      self->answer(serial, std::move(response));
                    });
        });
  }

  // A small search with no `timeout` may run right here, on this I/O thread, when a worker is
  // idle (Execution::kWorkerOrIdleInline): a request with a deadline always goes to the pool, so
  // the deadline timer on this strand stays free to answer it.
  bool runs_here_when_idle(size_t body_bytes) const {
    return prepared_.route->execution == api::Execution::kWorkerOrIdleInline &&
           !prepared_.deadline && body_bytes <= kIdleInlineBodyLimitBytes;
  }

  // On a worker thread. A read whose deadline passed while it waited in the queue is not run.
  api::Response run_unless_expired() {
    const auto& deadline = prepared_.deadline;
    if (deadline && !deadline->is_update && std::chrono::steady_clock::now() >= deadline->at) {
      return timeout_response(*deadline, prepared_.started);
    }
    return env_.dispatcher.execute(prepared_, parser_->get().body().text);
  }

  // The request's `timeout` (request_deadline.hpp): whichever of the handler's answer and
  // the deadline comes first is sent; the other is dropped.
  void arm_deadline(uint64_t serial) {
    deadline_timer_.expires_at(prepared_.deadline->at);
    deadline_timer_.async_wait([self = this->shared_from_this(), serial](beast::error_code ec) {
      if (ec || serial != self->request_serial_ || self->answered_serial_ == serial) return;
      // The handler still runs and reads this request's buffers: no next request here.
      self->close_after_response_ = true;
      self->answer(serial, timeout_response(*self->prepared_.deadline, self->prepared_.started));
    });
  }

  void answer(uint64_t serial, api::Response response) {
    if (answered_serial_ == serial) return;  // the deadline answered first
    answered_serial_ = serial;
    deadline_timer_.cancel();
    send(std::move(response));
  }

  void send_plain_error(int status) {
    close_after_response_ = true;
    api::Response response;
    response.status = status;
    response.content_type.clear();
    send(std::move(response), /*record=*/false);
  }

  template <typename Body>
  void fill(http::response<Body>& out, const api::Response& response, bool keep_alive) {
    if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
  }

  void send(api::Response response, bool record = true) {
    if (record) env_.dispatcher.finish(prepared_, response);
    unsigned version = parser_ ? parser_->get().version() : 11;
    bool keep_alive = parser_ && parser_->get().keep_alive() && !close_after_response_ &&
                      !env_.registry.draining();
    bool head_only = parser_ && parser_->get().method() == http::verb::head;
    auto status = static_cast<http::status>(response.status);

    if (response.file_path) {
      http::file_body::value_type file;
      beast::error_code ec;
      file.open(response.file_path->c_str(), beast::file_mode::scan, ec);
      if (!ec) {
        auto out = std::make_shared<http::response<http::file_body>>(status, version);
        fill(*out, response, keep_alive);
        uint64_t size = file.size();
        out->body() = std::move(file);
        out->content_length(size);
        if (head_only) {
          auto header_only = std::make_shared<http::response<http::empty_body>>(status, version);
          header_only->base() = out->base();
          return write(header_only, keep_alive);
        }
        return write(out, keep_alive);
      }
      response = api::error_response(404, "File not found: " + *response.file_path);
      status = static_cast<http::status>(response.status);
    }
    auto out = std::make_shared<http::response<http::string_body>>(status, version);
    fill(*out, response, keep_alive);
    uint64_t size = response.body.size();
    if (!head_only) out->body() = std::move(response.body);
    out->content_length(size);
    write(out, keep_alive);
  }

  template <typename Message>
  void write(std::shared_ptr<Message> message, bool keep_alive) {
    watchdog_.set_after(env_.settings.write_timeout);
    http::async_write(
        stream_, *message,
        [self = this->shared_from_this(), message, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->close();
          self->close_after_response_ = false;
          self->read_head();
        });
  }

  void close() {
    busy_ = false;
    if constexpr (kTls) {
      watchdog_.set_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->lowest_layer().close();
      });
    } else {
      beast::error_code ignored;
      lowest_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest_layer().close();
    }
  }

  // A request answered before its body is needed (404, 401...) still has its body read and
  // discarded up to this size so the connection can be reused; beyond it, it is closed.
  static constexpr uint64_t kEarlyDrainLimitBytes = 1 << 20;
  // The largest body a search may have to run on an I/O thread: a few dense vectors of a few
  // thousand dimensions; anything larger is work for the pool.
  static constexpr size_t kIdleInlineBodyLimitBytes = 64 * 1024;
  // The most read-buffer room a connection is given for a body (reserve_read_buffer()).
  static constexpr uint64_t kReadBufferReserveLimitBytes = 64 * 1024;

  SessionEnv& env_;
  Stream stream_;
  net::steady_timer deadline_timer_;
  ConnectionWatchdog watchdog_;  // the deadline of the read or write pending
  // Requests handed to the worker pool are numbered; answered_serial_ is the last answered.
  uint64_t request_serial_ = 0;
  uint64_t answered_serial_ = 0;
  std::chrono::steady_clock::time_point body_started_;
  uint64_t body_bytes_read_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<RequestBody>> parser_;
  PreparedRequest prepared_;
  uint64_t registry_id_ = 0;
  bool first_request_ = true;
  bool busy_ = false;
  bool close_after_response_ = false;
};

}  // namespace

void start_plain_session(tcp::socket socket, SessionEnv& env) {
  std::make_shared<Session<beast::tcp_stream>>(env, std::move(socket))->start();
}

void start_tls_session(tcp::socket socket, net::ssl::context& tls, SessionEnv& env) {
  std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(env, std::move(socket), tls)
      ->start();
}

}  // namespace sextant::server
