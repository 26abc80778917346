// See metadata_watch.hpp.
#include "cluster/metadata_watch.hpp"

namespace sextant::cluster {
namespace {

// How long one wait for a change lasts before the thread looks at its stop flag again.
constexpr int64_t kNextEntryWaitMs = 200;
constexpr auto kReopenWait = std::chrono::milliseconds(250);

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

MetadataWatch::MetadataWatch(kvWatcher* watcher, Opener open, Callback on_change,
                             MetadataWatchOptions options)
    : watcher_(watcher),
      open_(std::move(open)),
      on_change_(std::move(on_change)),
      options_(std::move(options)),
      thread_([this] { run(); }) {}

MetadataWatch::~MetadataWatch() {
  {
    std::lock_guard lock(watcher_mutex_);
    stopping_.store(true);
    // Wakes a thread blocked in kvWatcher_Next (it then returns NATS_ILLEGAL_STATE).
    if (watcher_ != nullptr) (void)kvWatcher_Stop(watcher_);
  }
  thread_.join();
  if (watcher_ != nullptr) kvWatcher_Destroy(watcher_);
}

bool MetadataWatch::reopen() {
  {
    std::lock_guard lock(watcher_mutex_);
    if (watcher_ != nullptr) {
      (void)kvWatcher_Stop(watcher_);
      kvWatcher_Destroy(watcher_);
      watcher_ = nullptr;
    }
  }
  while (!stopping_.load()) {
    auto opened = open_();
    if (opened.ok()) {
      std::lock_guard lock(watcher_mutex_);
      if (stopping_.load()) {
        kvWatcher_Destroy(opened.value());
        return false;
      }
      watcher_ = opened.value();
      return true;
    }
    std::this_thread::sleep_for(kReopenWait);
  }
  return false;
}

void MetadataWatch::run() {
  using Clock = std::chrono::steady_clock;
  auto last_entry = Clock::now();
  bool resyncing = false;  // a new watcher's initial state is being delivered
  std::set<std::string> present;
  while (!stopping_.load()) {
    kvWatcher* watcher = nullptr;
    {
      std::lock_guard lock(watcher_mutex_);
      watcher = watcher_;
    }
    kvEntry* entry = nullptr;
    const natsStatus status = kvWatcher_Next(&entry, watcher, kNextEntryWaitMs);
    if (stopping_.load()) break;
    const bool silent =
        status == NATS_TIMEOUT && Clock::now() - last_entry >= options_.resync_after_silence;
    if (status == NATS_TIMEOUT && !silent) continue;
    if (status != NATS_OK) {
      // Failed (its consumer is gone) or silent too long: a new watcher, then its initial state.
      if (!reopen()) break;
      resyncing = true;
      present.clear();
      last_entry = Clock::now();
      continue;
    }
    last_entry = Clock::now();
    if (entry == nullptr) {  // the marker after the initial state
      initial_state_delivered_.store(true);
      if (resyncing && options_.on_resynced) options_.on_resynced(present);
      resyncing = false;
      continue;
    }
    const MetadataEntry copied = entry_from(entry);
    kvEntry_Destroy(entry);
    if (resyncing && !copied.deleted) present.insert(copied.key);
    if (!stopping_.load()) on_change_(copied);
  }
}

}  // namespace sextant::cluster
