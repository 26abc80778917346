// A running watch over keys of a MetadataStore: a thread that waits for the bucket's changes and
// hands each to the callback, in the order the bucket's stream recorded them (revision order).
//
// It heals itself. The C client's watcher is an ordered consumer on one NATS server; when that
// server dies, or the consumer cannot be re-created while JetStream elects leaders, the watcher
// reports an error or simply delivers nothing more. So the watch opens a new watcher (through
// the opener it was given) after an error, and also after `resync_after_silence` without any
// entry (for a bucket written often, such as the heartbeats, silence means a dead watcher; for a
// quiet one it is a cheap periodic resynchronisation). A new watcher delivers the current entry
// of every matching key again; once it has, `on_resynced` gets the keys it delivered, so the
// owner can forget keys deleted while the old watcher was deaf.
//
// Invariants:
//   - The callbacks run on the watch's own thread, one entry at a time; they must not destroy
//     the watch. After the destructor returns they are never called again.
//   - The initial state (the current entry of each matching key) comes first, then changes; after
//     a resynchronisation an entry already delivered may come again (callbacks are idempotent
//     per revision).
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/status.hpp"

namespace sextant::cluster {

struct MetadataEntry {
  std::string key;
  std::string value;      // empty for a deletion
  uint64_t revision = 0;  // stream sequence of this write
  bool deleted = false;   // a delete or purge marker (watch only: get() reports absence)
};

struct MetadataWatchOptions {
  std::chrono::milliseconds resync_after_silence{15000};
  // Called after a resynchronisation's initial state, with the keys it delivered (not deleted).
  std::function<void(const std::set<std::string>& present_keys)> on_resynced;
};

class MetadataWatch {
 public:
  using Callback = std::function<void(const MetadataEntry&)>;
  using Opener = std::function<Result<kvWatcher*>()>;

  // Takes ownership of the first watcher and starts the thread; `open` makes the next ones.
  MetadataWatch(kvWatcher* watcher, Opener open, Callback on_change,
                MetadataWatchOptions options = {});
  ~MetadataWatch();
  MetadataWatch(const MetadataWatch&) = delete;
  MetadataWatch& operator=(const MetadataWatch&) = delete;

  // True once the current state of every matching key has been delivered.
  bool initial_state_delivered() const { return initial_state_delivered_.load(); }

 private:
  void run();
  // Replaces the watcher (retrying until one opens or the watch stops); false when stopping.
  bool reopen();

  std::mutex watcher_mutex_;  // guards watcher_ against the destructor's stop
  kvWatcher* watcher_;
  Opener open_;
  Callback on_change_;
  MetadataWatchOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> initial_state_delivered_{false};
  std::thread thread_;
};

// Copies a C client entry into a MetadataEntry.
MetadataEntry entry_from(kvEntry* entry);

}  // namespace sextant::cluster
