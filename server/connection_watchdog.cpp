// A connection's deadline timer, re-armed only when a deadline moves earlier
// (connection_watchdog.hpp).
#include "server/connection_watchdog.hpp"

#include <utility>

namespace sextant::server {

void ConnectionWatchdog::start(std::weak_ptr<void> owner, std::function<void()> on_expired) {
  owner_ = std::move(owner);
  on_expired_ = std::move(on_expired);
}

void ConnectionWatchdog::set(Clock::time_point deadline) {
  deadline_ = deadline;
  if (!armed_at_ || deadline < *armed_at_) arm(deadline);
}

void ConnectionWatchdog::arm(Clock::time_point at) {
  armed_at_ = at;
  const uint64_t serial = ++arm_serial_;
  timer_.expires_at(at);  // a pending wait completes as cancelled: its serial is stale
  timer_.async_wait([owner = owner_, this, serial](const boost::system::error_code& ec) {
    // The owner holds this watchdog: while it lives, `this` does.
    auto alive = owner.lock();
    if (!alive || ec) return;
    on_timer(serial);
  });
}

void ConnectionWatchdog::on_timer(uint64_t serial) {
  if (serial != arm_serial_) return;
  armed_at_.reset();
  if (!deadline_) return;
  if (Clock::now() < *deadline_) return arm(*deadline_);  // the deadline moved later meanwhile
  deadline_.reset();
  if (on_expired_) on_expired_();
}

}  // namespace sextant::server
