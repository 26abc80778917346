// Thin RAII layer over LMDB: an environment, transactions, named databases and cursors, with
// LMDB's return codes turned into Error values. Nothing here knows about points.
//
// Invariants:
// - Environments are opened with MDB_NOTLS so a read transaction may be created on one thread
//   and released on another (read views are shared across search threads).
// - A span returned by get()/Cursor points into the memory map and is valid only while the
//   transaction that produced it is alive (zero-copy reads).
// - Write transactions are used by a single writer thread per environment.
// - Disk full never crashes: lock.mdb is preallocated before LMDB maps it, MDB_WRITEMAP is not
//   used (data pages reach data.mdb by pwrite, so a full filesystem is a failed write, not a
//   fault on a sparse mapped page), and ENOSPC, a short write on a full filesystem (which LMDB
//   reports as EIO) and MDB_MAP_FULL become Error::no_space. A failed commit leaves the
//   environment as the last committed transaction left it.
// - Every top-level transaction passes the environment's TransactionGate, so the map can be
//   grown (MDB_MAP_FULL) or the environment reopened (MDB_PANIC after a failed meta-page write)
//   at a moment when none is open; the caller of grow_map()/reopen() holds the gate emptied.
// - A reopened environment keeps every database handle (MDB_dbi) it gave out: the named
//   databases are opened again in the order they were first opened, which gives the same
//   handles.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "storage/transaction_gate.hpp"

namespace sextant::storage::lmdb {

using Bytes = std::span<const uint8_t>;

inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

Error error_from_code(int rc, std::string_view what);
// As above; an EIO is reported as no space when `directory`'s filesystem is full.
Error error_from_code(int rc, std::string_view what, const std::string& directory);

class Env {
 public:
  struct Options {
    uint64_t map_size_bytes = 128ull << 30;
    unsigned max_dbs = 64;
    unsigned max_readers = 1024;
  };
  static Result<std::unique_ptr<Env>> open(const std::string& directory, const Options& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* handle() const { return env_; }
  const std::string& directory() const { return directory_; }
  // The map's size and how much of it the committed pages use (reported by telemetry).
  struct Usage {
    uint64_t map_size_bytes = 0;
    uint64_t used_bytes = 0;
  };
  Usage usage() const;

  // What transactions pass; hold it emptied around grow_map() and reopen().
  TransactionGate& gate() const { return gate_; }
  // Doubles the map (after MDB_MAP_FULL). The map grows in address space only: data.mdb grows
  // page by page as pages are written, so the free-space checks still decide what fits. LMDB
  // maps the file anew, so every pointer into the old map is invalid afterwards.
  Status grow_map();
  // Closes and opens the environment again, which clears MDB_PANIC (LMDB's state after a failed
  // meta-page write: every later transaction fails until then). The last committed transaction
  // is what the reopened environment holds. Pointers into the old map are invalid afterwards.
  Status reopen();
  // An operation since the last call found the map full (MDB_MAP_FULL); clears the mark.
  bool take_map_full() { return map_full_.exchange(false); }
  // LMDB refuses every transaction (MDB_PANIC) or the environment is closed after a failed
  // reopen: only reopen() makes it usable again.
  bool unusable() const;

  // Flushes the OS buffers to disk (used on clean shutdown; commits are already durable).
  void sync();
  // Consistent copy of the environment into `directory` (used by snapshots); runs inside its
  // own read transaction, so writers keep going.
  Status copy_to(const std::string& directory) const;

 private:
  friend class Txn;
  Env(MDB_env* env, std::string directory, Options options)
      : env_(env), directory_(std::move(directory)), options_(options) {}
  void note_map_full() const { map_full_ = true; }
  void note_database(const char* name, unsigned flags, MDB_dbi dbi) const;
  // Opens the named databases again after reopen(); checks each keeps its handle.
  Status reopen_databases();

  MDB_env* env_;
  std::string directory_;
  Options options_;
  mutable TransactionGate gate_;
  mutable std::atomic<bool> map_full_{false};
  mutable std::shared_mutex handle_mutex_;  // reopen() swaps env_ under it exclusively
  struct NamedDatabase {
    std::string name;
    unsigned flags;
    MDB_dbi dbi;
  };
  mutable std::mutex databases_mutex_;
  mutable std::vector<NamedDatabase> databases_;  // in the order first opened
};

class Txn {
 public:
  enum class Mode { kRead, kWrite };
  static Result<Txn> begin(const Env& env, Mode mode, Txn* parent = nullptr);
  Txn(Txn&& other) noexcept : txn_(other.txn_), env_(other.env_), counted_(other.counted_) {
    other.txn_ = nullptr;
    other.counted_ = false;
  }
  Txn& operator=(Txn&& other) noexcept;
  ~Txn() { abort(); }

  Status commit();
  void abort();
  MDB_txn* handle() const { return txn_; }

  // Opens (creating in write transactions) a named database.
  Result<MDB_dbi> open_db(const char* name, unsigned flags = 0);
  // nullopt when the key is absent.
  Result<std::optional<Bytes>> get(MDB_dbi dbi, Bytes key) const;
  Status put(MDB_dbi dbi, Bytes key, Bytes value, unsigned flags = 0);
  // Reserves `size` bytes for key and returns a writable pointer into the map.
  Result<uint8_t*> reserve(MDB_dbi dbi, Bytes key, size_t size);
  // Returns false (not an error) when the key was absent.
  Result<bool> del(MDB_dbi dbi, Bytes key);
  Status drop(MDB_dbi dbi, bool delete_db);
  Result<uint64_t> entries(MDB_dbi dbi) const;
  // The bytes of the pages (branch, leaf, overflow) `dbi` occupies in this transaction.
  Result<uint64_t> stored_bytes(MDB_dbi dbi) const;

 private:
  Txn(MDB_txn* txn, const Env* env, bool counted) : txn_(txn), env_(env), counted_(counted) {}
  // Notes MDB_MAP_FULL on the environment; returns `rc`.
  int noted(int rc) const;
  MDB_txn* txn_ = nullptr;
  const Env* env_ = nullptr;
  bool counted_ = false;  // a top-level transaction: it passed the environment's gate
};

// Forward iteration over a database in key order.
class Cursor {
 public:
  static Result<Cursor> open(const Txn& txn, MDB_dbi dbi);
  Cursor(Cursor&& other) noexcept : cursor_(other.cursor_) { other.cursor_ = nullptr; }
  ~Cursor();
  // Positions at the first key >= `key` (or the first key when empty); false at the end.
  bool seek(Bytes key = {});
  bool next();
  bool valid() const { return valid_; }
  // Why the last seek/next returned false when it was not the end of the table: LMDB's
  // MDB_CORRUPTED or MDB_PAGE_NOTFOUND on a damaged page, an I/O error. OK at the end.
  Status status() const;
  Bytes key() const { return {static_cast<const uint8_t*>(key_.mv_data), key_.mv_size}; }
  Bytes value() const { return {static_cast<const uint8_t*>(value_.mv_data), value_.mv_size}; }

 private:
  explicit Cursor(MDB_cursor* cursor) : cursor_(cursor) {}
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{}, value_{};
  bool valid_ = false;
  int last_rc_ = 0;
};

}  // namespace sextant::storage::lmdb
