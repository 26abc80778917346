// See shard_applier.hpp.
#include "cluster/shard_applier.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "cluster/shard_consumer.hpp"
#include "cluster/shard_log.hpp"

namespace sextant::cluster {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFetchWaitMs = 200;
constexpr auto kRetryWait = std::chrono::milliseconds(500);
constexpr int kFetchFailuresBeforeReopen = 10;  // 5 s of failed fetches

std::string sequence_file(const std::string& storage_path, const std::string& collection,
                          uint32_t shard_id) {
  return (fs::path(storage_path) / "cluster_applied" /
          (encode_name_token(collection) + "." + std::to_string(shard_id)))
      .string();
}

std::optional<uint64_t> read_sequence(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const std::string value = text.str();
  uint64_t sequence = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), sequence);
  if (error != std::errc()) return std::nullopt;
  return sequence;
}

}  // namespace

ShardApplier::ShardApplier(NatsConnection& connection, AppliedSequences& applied,
                           ShardApplierOptions options, ApplyFn apply, LogFn log)
    : connection_(connection),
      applied_(applied),
      options_(std::move(options)),
      apply_(std::move(apply)),
      log_(std::move(log)),
      sequence_path_(sequence_file(options_.storage_path, options_.collection, options_.shard_id)) {
  applied_sequence_.store(read_sequence(sequence_path_).value_or(0));
  thread_ = std::thread([this] { run(); });
}

ShardApplier::~ShardApplier() {
  stopping_.store(true);
  thread_.join();
}

void ShardApplier::forget_stored_sequence(const std::string& storage_path,
                                          const std::string& collection, uint32_t shard_id) {
  std::error_code ec;
  fs::remove(sequence_file(storage_path, collection, shard_id), ec);
}

Status ShardApplier::store_sequence(uint64_t sequence) {
  std::error_code ec;
  fs::create_directories(fs::path(sequence_path_).parent_path(), ec);
  const std::string temporary = sequence_path_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << sequence;
    out.flush();
    if (!out) return Error::internal("cannot write " + temporary);
  }
  fs::rename(temporary, sequence_path_, ec);
  if (ec) return Error::internal("cannot store the applied sequence at " + sequence_path_);
  return Status::ok_status();
}

void ShardApplier::run() {
  const std::string shard_name =
      "collection " + options_.collection + " shard " + std::to_string(options_.shard_id);
  std::unique_ptr<ShardConsumer> consumer;
  int failed_fetches = 0;
  while (!stopping_.load()) {
    if (!consumer) {
      // The stream exists once any node opened the shard's log; opening it here creates it.
      ShardLogOptions log_options{options_.collection, options_.shard_id, options_.replicas};
      auto log = ShardLog::open(connection_, log_options);
      ShardConsumerOptions consumer_options;
      consumer_options.collection = options_.collection;
      consumer_options.shard_id = options_.shard_id;
      consumer_options.node_id = std::to_string(options_.node_id);
      consumer_options.replicas = options_.replicas;
      const uint64_t stored = applied_sequence_.load();
      if (stored > 0) consumer_options.applied_sequence = stored;
      auto opened = log.ok() ? ShardConsumer::open(connection_, consumer_options)
                             : Result<std::unique_ptr<ShardConsumer>>(log.error());
      if (!opened.ok()) {
        log_("applier of " + shard_name + ": " + opened.error().message + " (retrying)");
        std::this_thread::sleep_for(kRetryWait);
        continue;
      }
      consumer = std::move(opened.value());
    }
    auto batch = consumer->fetch(kFetchWaitMs);
    if (!batch.ok()) {
      // A fetch fails while the consumer's leader is re-elected (its server died): the same
      // consumer answers again once that is done. Opening it anew is the last resort, since
      // recreating a replicated consumer needs every one of its servers.
      if (++failed_fetches < kFetchFailuresBeforeReopen) {
        if (failed_fetches == 1) log_("applier of " + shard_name + ": " + batch.error().message);
        std::this_thread::sleep_for(kRetryWait);
        continue;
      }
      log_("applier of " + shard_name + ": " + batch.error().message + " (reopening)");
      consumer.reset();
      failed_fetches = 0;
      std::this_thread::sleep_for(kRetryWait);
      continue;
    }
    failed_fetches = 0;
    if (batch.value().empty()) continue;
    uint64_t last = applied_sequence_.load();
    bool gap = false;
    for (const ShardLogMessage& message : batch.value().messages()) {
      if (message.sequence <= last) continue;  // applied before a restart or redelivery
      // A shard's log never loses an operation, so a jump means deliveries were lost on the
      // way (a pull answer dropped while the consumer's leader changed). Applying past it and
      // acknowledging (cumulatively) would skip those operations for good: stop, keep what was
      // applied, and reposition the consumer right after it.
      if (message.sequence != last + 1) {
        gap = true;
        break;
      }
      if (Status applied = apply_(message.operation); !applied.ok())
        log_("applier of " + shard_name + ": operation " + std::to_string(message.sequence) +
             " refused, skipped: " + applied.error().message);
      last = message.sequence;
    }
    if (Status stored = store_sequence(last); !stored.ok()) {
      log_("applier of " + shard_name + ": " + stored.error().message);
      consumer.reset();  // the batch comes again; its operations are blind writes
      std::this_thread::sleep_for(kRetryWait);
      continue;
    }
    applied_sequence_.store(last);
    (void)applied_.publish(options_.collection, options_.shard_id, options_.node_id, last);
    if (gap) {
      log_("applier of " + shard_name + ": operations after " + std::to_string(last) +
           " were not delivered in order (repositioning the consumer)");
      consumer.reset();
      continue;
    }
    (void)consumer->acknowledge(batch.value());
  }
}

}  // namespace sextant::cluster
