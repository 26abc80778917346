// See applied_sequences.hpp. Keys: `<collection token>.<shard>.<node>`, values decimal.
#include "cluster/applied_sequences.hpp"

#include <charconv>
#include <string_view>

#include "cluster/nats_error.hpp"
#include "cluster/shard_log_names.hpp"

namespace sextant::cluster {
namespace {

constexpr auto kBucketReadInterval = std::chrono::milliseconds(250);
constexpr std::string_view kSubjectPrefix = "sextant-applied.";

std::string applied_key(const std::string& collection, uint32_t shard_id, uint64_t node_id) {
  return encode_name_token(collection) + "." + std::to_string(shard_id) + "." +
         std::to_string(node_id);
}

std::optional<uint64_t> parse_sequence(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<std::unique_ptr<AppliedSequences>> AppliedSequences::open(NatsConnection& connection,
                                                                 int replicas) {
  MetadataStoreOptions options;
  options.bucket = "sextant-applied";
  options.replicas = replicas;
  auto store = MetadataStore::open(connection, options);
  if (!store.ok()) return store.error();
  auto applied =
      std::unique_ptr<AppliedSequences>(new AppliedSequences(connection, std::move(store.value())));
  const std::string subject = std::string(kSubjectPrefix) + ">";
  const natsStatus status = natsConnection_Subscribe(
      &applied->announcements_, connection.raw(), subject.c_str(), on_announcement, applied.get());
  if (status != NATS_OK) return nats_error("subscribing to " + subject, status);
  return applied;
}

AppliedSequences::~AppliedSequences() {
  if (announcements_ != nullptr) {
    // Drained: no callback runs on a destroyed object.
    if (natsSubscription_Drain(announcements_) == NATS_OK)
      natsSubscription_WaitForDrainCompletion(announcements_, 5000);
    natsSubscription_Destroy(announcements_);
  }
}

void AppliedSequences::on_announcement(natsConnection*, natsSubscription*, natsMsg* message,
                                       void* self) {
  const std::string_view subject = natsMsg_GetSubject(message);
  const auto sequence = parse_sequence(std::string_view(
      natsMsg_GetData(message), static_cast<size_t>(natsMsg_GetDataLength(message))));
  if (sequence && subject.size() > kSubjectPrefix.size()) {
    static_cast<AppliedSequences*>(self)->heard(std::string(subject.substr(kSubjectPrefix.size())),
                                                *sequence);
  }
  natsMsg_Destroy(message);
}

void AppliedSequences::heard(const std::string& key, uint64_t sequence) {
  {
    std::lock_guard lock(mutex_);
    uint64_t& known = heard_[key];
    if (sequence <= known) return;
    known = sequence;
  }
  changed_.notify_all();
}

uint64_t AppliedSequences::heard_sequence(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = heard_.find(key);
  return found == heard_.end() ? 0 : found->second;
}

Status AppliedSequences::publish(const std::string& collection, uint32_t shard_id, uint64_t node_id,
                                 uint64_t sequence) {
  const std::string key = applied_key(collection, shard_id, node_id);
  const std::string value = std::to_string(sequence);
  heard(key, sequence);  // this node's own waiters need no round trip
  const std::string subject = std::string(kSubjectPrefix) + key;
  (void)natsConnection_PublishString(connection_.raw(), subject.c_str(), value.c_str());
  auto written = store_->put(key, value);
  if (!written.ok()) return written.error();
  return Status::ok_status();
}

Status AppliedSequences::wait_for(const std::string& collection, uint32_t shard_id,
                                  const std::vector<uint64_t>& replicas, uint64_t sequence,
                                  const std::function<size_t()>& needed_now,
                                  std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> keys;
  for (uint64_t node : replicas) keys.push_back(applied_key(collection, shard_id, node));
  auto next_bucket_read = Clock::now() + kBucketReadInterval;
  size_t reached = 0;
  size_t needed = 0;
  while (true) {
    needed = std::min(needed_now(), replicas.size());
    if (Clock::now() >= next_bucket_read) {
      // Announcements missed (this node subscribed late, a partition): the bucket has them.
      for (const std::string& key : keys) {
        if (heard_sequence(key) >= sequence) continue;
        auto entry = store_->get(key);
        if (!entry.ok() || !entry.value()) continue;
        if (auto stored = parse_sequence(entry.value()->value)) heard(key, *stored);
      }
      next_bucket_read = Clock::now() + kBucketReadInterval;
    }
    std::unique_lock lock(mutex_);
    reached = 0;
    for (const std::string& key : keys) {
      auto found = heard_.find(key);
      if (found != heard_.end() && found->second >= sequence) ++reached;
    }
    if (reached >= needed) return Status::ok_status();
    if (Clock::now() >= deadline) break;
    changed_.wait_until(lock, std::min(deadline, next_bucket_read));
  }
  return Error{ErrorKind::kTimeout,
               "Timeout: " + std::to_string(reached) + " of the " + std::to_string(needed) +
                   " replicas needed applied the operation of shard " + std::to_string(shard_id) +
                   " within " + std::to_string(timeout.count()) + " ms"};
}

Status AppliedSequences::forget(const std::string& collection, uint32_t shard_id,
                                uint64_t node_id) {
  const std::string key = applied_key(collection, shard_id, node_id);
  {
    std::lock_guard lock(mutex_);
    heard_.erase(key);
  }
  return store_->erase(key);
}

}  // namespace sextant::cluster
