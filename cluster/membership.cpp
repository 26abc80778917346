// See membership.hpp.
#include "cluster/membership.hpp"

#include <charconv>

namespace sextant::cluster {
namespace {

constexpr std::string_view kNodeKeyPrefix = "node.";

std::string node_key(uint64_t node_id) {
  return std::string(kNodeKeyPrefix) + std::to_string(node_id);
}

std::optional<uint64_t> node_id_of_key(std::string_view key) {
  if (!key.starts_with(kNodeKeyPrefix)) return std::nullopt;
  key.remove_prefix(kNodeKeyPrefix.size());
  uint64_t id = 0;
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (error != std::errc() || end != key.data() + key.size()) return std::nullopt;
  return id;
}

}  // namespace

Result<std::unique_ptr<Membership>> Membership::start(NatsConnection& connection,
                                                      const MembershipOptions& options) {
  MetadataStoreOptions store_options;
  store_options.bucket = options.bucket;
  store_options.replicas = options.replicas;
  store_options.ttl_ms = options.ttl_ms;
  auto store = MetadataStore::open(connection, store_options);
  if (!store.ok()) return store.error();
  std::unique_ptr<Membership> membership(new Membership(std::move(store.value()), options));
  if (auto written = membership->store_->put(node_key(options.node_id), options.node_url);
      !written.ok())
    return written.error();
  membership->last_heartbeat_ = std::chrono::system_clock::now();
  Membership* self = membership.get();
  // Every node's heartbeat (this one's included) lands every ttl / 4: half a TTL of silence
  // means the watcher died.
  MetadataWatchOptions watch_options;
  watch_options.resync_after_silence = std::chrono::milliseconds(options.ttl_ms / 2);
  auto watch = membership->store_->watch(
      std::string(kNodeKeyPrefix) + "*",
      [self](const MetadataEntry& entry) { self->on_entry(entry); }, std::move(watch_options));
  if (!watch.ok()) return watch.error();
  membership->watch_ = std::move(watch.value());
  membership->heartbeat_thread_ = std::thread([self] { self->heartbeat_loop(); });
  return membership;
}

Membership::~Membership() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  watch_.reset();
  // Leaving: the key goes at once rather than after the TTL (best effort).
  (void)store_->erase(node_key(options_.node_id));
}

void Membership::heartbeat_loop() {
  const auto interval = std::chrono::milliseconds(std::max<int64_t>(options_.ttl_ms / 4, 50));
  std::unique_lock lock(mutex_);
  while (!stop_signal_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    const bool written = store_->put(node_key(options_.node_id), options_.node_url).ok();
    lock.lock();
    if (written) last_heartbeat_ = std::chrono::system_clock::now();
  }
}

void Membership::on_entry(const MetadataEntry& entry) {
  auto id = node_id_of_key(entry.key);
  if (!id) return;
  std::lock_guard lock(mutex_);
  if (entry.deleted) {
    seen_.erase(*id);
  } else {
    seen_[*id] = Seen{entry.value, std::chrono::steady_clock::now()};
  }
}

std::map<uint64_t, Peer> Membership::peers() const {
  const auto now = std::chrono::steady_clock::now();
  const auto ttl = std::chrono::milliseconds(options_.ttl_ms);
  std::map<uint64_t, Peer> live;
  std::lock_guard lock(mutex_);
  for (const auto& [id, seen] : seen_)
    if (now - seen.at < ttl) live[id] = Peer{seen.url};
  live[options_.node_id] = Peer{options_.node_url};
  return live;
}

std::set<uint64_t> Membership::known_peers() const {
  std::set<uint64_t> known{options_.node_id};
  std::lock_guard lock(mutex_);
  for (const auto& [id, seen] : seen_) known.insert(id);
  return known;
}

Status Membership::remove(uint64_t peer) {
  if (Status erased = store_->erase(node_key(peer)); !erased.ok()) return erased;
  std::lock_guard lock(mutex_);
  seen_.erase(peer);
  return Status::ok_status();
}

std::chrono::system_clock::time_point Membership::last_heartbeat() const {
  std::lock_guard lock(mutex_);
  return last_heartbeat_;
}

}  // namespace sextant::cluster
