// See applied_sequences.hpp. Keys: `<collection token>.<shard>.<node>`, values decimal.
#include "cluster/applied_sequences.hpp"

#include <charconv>
#include <thread>

#include "cluster/shard_log_names.hpp"

namespace sextant::cluster {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string applied_key(const std::string& collection, uint32_t shard_id, uint64_t node_id) {
  return encode_name_token(collection) + "." + std::to_string(shard_id) + "." +
         std::to_string(node_id);
}

}  // namespace

Result<std::unique_ptr<AppliedSequences>> AppliedSequences::open(NatsConnection& connection,
                                                                 int replicas) {
  MetadataStoreOptions options;
  options.bucket = "sextant-applied";
  options.replicas = replicas;
  auto store = MetadataStore::open(connection, options);
  if (!store.ok()) return store.error();
  return std::unique_ptr<AppliedSequences>(new AppliedSequences(std::move(store.value())));
}

Status AppliedSequences::publish(const std::string& collection, uint32_t shard_id, uint64_t node_id,
                                 uint64_t sequence) {
  auto written = store_->put(applied_key(collection, shard_id, node_id), std::to_string(sequence));
  if (!written.ok()) return written.error();
  return Status::ok_status();
}

Status AppliedSequences::wait_for(const std::string& collection, uint32_t shard_id,
                                  const std::vector<uint64_t>& replicas, uint64_t sequence,
                                  const std::function<size_t()>& needed_now,
                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const size_t needed = std::min(needed_now(), replicas.size());
    size_t reached = 0;
    for (uint64_t node : replicas) {
      auto entry = store_->get(applied_key(collection, shard_id, node));
      if (!entry.ok() || !entry.value()) continue;
      uint64_t applied = 0;
      const std::string& text = entry.value()->value;
      std::from_chars(text.data(), text.data() + text.size(), applied);
      if (applied >= sequence) ++reached;
    }
    if (reached >= needed) return Status::ok_status();
    if (std::chrono::steady_clock::now() >= deadline)
      return Error{ErrorKind::kTimeout, "Timeout: " + std::to_string(reached) + " of the " +
                                            std::to_string(needed) +
                                            " replicas needed applied the operation of shard " +
                                            std::to_string(shard_id) + " within " +
                                            std::to_string(timeout.count()) + " ms"};
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status AppliedSequences::forget(const std::string& collection, uint32_t shard_id,
                                uint64_t node_id) {
  return store_->erase(applied_key(collection, shard_id, node_id));
}

}  // namespace sextant::cluster
