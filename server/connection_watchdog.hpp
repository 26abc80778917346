// The one timer of an HTTP connection: it cuts off whatever read or write the session is
// waiting on (a request head, a body, an answer, a TLS shutdown) once that step's deadline
// passes, without a timer system call per request.
//
// A session moves its deadline at every step (SessionSettings), several times per request.
// Setting a timer each time costs a timerfd_settime (Asio re-arms the reactor's timer whenever
// the earliest expiry changes), so the deadline is only recorded, and the timer is re-armed
// only when the new deadline is earlier than its pending expiry. When the timer fires before
// the current deadline (it moved later meanwhile), it is re-armed at that deadline: on a busy
// keep-alive connection that is one re-arm per keep_alive_timeout, not two per request.
//
// Invariants: every call happens on the connection's executor (one I/O thread), as do the
// timer's completions; `on_expired` runs at most once per deadline set, never after the owner
// given to start() is gone (the owner holds this watchdog); a cleared deadline never expires.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace sextant::server {

class ConnectionWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectionWatchdog(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  // `owner` holds this watchdog; `on_expired` is called on the executor when a deadline passes.
  void start(std::weak_ptr<void> owner, std::function<void()> on_expired);

  // The step now waited on must end by `deadline` (or `timeout` from now).
  void set(Clock::time_point deadline);
  void set_after(Clock::duration timeout) { set(Clock::now() + timeout); }

  // Nothing is waited on (a handler is running): no deadline until the next set().
  void clear() { deadline_.reset(); }

 private:
  void arm(Clock::time_point at);
  void on_timer(uint64_t serial);

  boost::asio::steady_timer timer_;
  std::optional<Clock::time_point> deadline_;
  std::optional<Clock::time_point> armed_at_;  // the pending wait's expiry
  uint64_t arm_serial_ = 0;                    // numbers the waits; only the last one counts
  std::weak_ptr<void> owner_;
  std::function<void()> on_expired_;
};

}  // namespace sextant::server
