// See metadata_watch.hpp.
#include "cluster/metadata_watch.hpp"

#include <chrono>

namespace sextant::cluster {
namespace {

// How long one wait for a change lasts before the thread looks at its stop flag again.
constexpr int64_t kNextEntryWaitMs = 200;

}  // namespace

MetadataEntry entry_from(kvEntry* entry) {
  MetadataEntry copied;
  copied.key = kvEntry_Key(entry);
  const void* value = kvEntry_Value(entry);
  const int length = kvEntry_ValueLen(entry);
  if (value != nullptr && length > 0) {
    copied.value.assign(static_cast<const char*>(value), static_cast<size_t>(length));
  }
  copied.revision = kvEntry_Revision(entry);
  const kvOperation operation = kvEntry_Operation(entry);
  copied.deleted = operation == kvOp_Delete || operation == kvOp_Purge;
  return copied;
}

MetadataWatch::MetadataWatch(kvWatcher* watcher, Callback on_change)
    : watcher_(watcher), on_change_(std::move(on_change)), thread_([this] { run(); }) {}

MetadataWatch::~MetadataWatch() {
  stopping_.store(true);
  // Wakes a thread blocked in kvWatcher_Next (it then returns NATS_ILLEGAL_STATE).
  (void)kvWatcher_Stop(watcher_);
  thread_.join();
  kvWatcher_Destroy(watcher_);
}

void MetadataWatch::run() {
  while (!stopping_.load()) {
    kvEntry* entry = nullptr;
    const natsStatus status = kvWatcher_Next(&entry, watcher_, kNextEntryWaitMs);
    if (status == NATS_TIMEOUT) continue;
    if (status != NATS_OK) {
      if (status == NATS_ILLEGAL_STATE) return;  // stopped
      // Any other failure (a lost connection, say): wait between attempts rather than spin on an
      // error that comes back at once. Whether a watch sees every change across a reconnect is
      // not tested yet (docs/distributed.md).
      std::this_thread::sleep_for(std::chrono::milliseconds(kNextEntryWaitMs));
      continue;
    }
    if (entry == nullptr) {  // the marker after the initial state
      initial_state_delivered_.store(true);
      continue;
    }
    const MetadataEntry copied = entry_from(entry);
    kvEntry_Destroy(entry);
    if (!stopping_.load()) on_change_(copied);
  }
}

}  // namespace sextant::cluster
