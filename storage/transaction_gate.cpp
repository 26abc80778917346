#include "storage/transaction_gate.hpp"

namespace sextant::storage::lmdb {

void TransactionGate::enter() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !held_; });
  ++open_;
}

void TransactionGate::leave() {
  std::lock_guard lock(mutex_);
  --open_;
  if (open_ == 0) changed_.notify_all();
}

void TransactionGate::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

bool TransactionGate::wait_until_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return open_ == 0; });
}

void TransactionGate::release() {
  std::lock_guard lock(mutex_);
  held_ = false;
  changed_.notify_all();
}

uint64_t TransactionGate::open_transactions() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace sextant::storage::lmdb
