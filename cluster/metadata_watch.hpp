// A running watch over keys of a MetadataStore: a thread that waits for the bucket's changes and
// hands each to the callback, in the order the bucket's stream recorded them (revision order).
//
// Invariants:
//   - The callback runs on the watch's own thread, one entry at a time; it must not destroy the
//     watch. After the destructor returns it is never called again.
//   - The initial state (the current entry of each matching key) comes first, then changes.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace sextant::cluster {

struct MetadataEntry {
  std::string key;
  std::string value;      // empty for a deletion
  uint64_t revision = 0;  // stream sequence of this write
  bool deleted = false;   // a delete or purge marker (watch only: get() reports absence)
};

class MetadataWatch {
 public:
  using Callback = std::function<void(const MetadataEntry&)>;

  // Takes ownership of the watcher and starts the thread.
  MetadataWatch(kvWatcher* watcher, Callback on_change);
  ~MetadataWatch();
  MetadataWatch(const MetadataWatch&) = delete;
  MetadataWatch& operator=(const MetadataWatch&) = delete;

  // True once the current state of every matching key has been delivered.
  bool initial_state_delivered() const { return initial_state_delivered_.load(); }

 private:
  void run();

  kvWatcher* watcher_;
  Callback on_change_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> initial_state_delivered_{false};
  std::thread thread_;
};

// Copies a C client entry into a MetadataEntry.
MetadataEntry entry_from(kvEntry* entry);

}  // namespace sextant::cluster
