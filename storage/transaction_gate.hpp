// Counts an LMDB environment's open transactions and can hold new ones back, so that the map can
// be grown or the environment reopened at a moment when no transaction of the process is open
// (LMDB's condition for mdb_env_set_mapsize and mdb_env_close: reads are zero-copy from the map,
// which both operations unmap).
//
// Invariants:
// - enter() returns only while the gate is open; every enter() is matched by one leave(),
//   possibly on another thread (read views are released wherever their last user lets go).
// - Between hold() and release(), open() is false and entering threads wait; wait_until_empty()
//   returning true means no transaction is open and none can begin until release().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sextant::storage::lmdb {

class TransactionGate {
 public:
  void enter();
  void leave();
  // Holds new transactions back (they wait in enter() until release()).
  void hold();
  // True once no transaction is open; false when `timeout` passed first (the gate stays held).
  bool wait_until_empty(std::chrono::milliseconds timeout);
  void release();
  uint64_t open_transactions() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t open_ = 0;
  bool held_ = false;
};

}  // namespace sextant::storage::lmdb
