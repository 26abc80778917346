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

using Clock = std::chrono::steady_clock;

constexpr int64_t kFetchWaitMs = 200;
constexpr auto kRetryWait = std::chrono::milliseconds(250);
constexpr auto kStallCheck = std::chrono::seconds(2);
constexpr int kLogEveryFailures = 40;  // about every 10 s while failing

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
  std::unique_ptr<ShardLog> log;  // the stream: created if missing, asked for its last sequence
  std::unique_ptr<ShardConsumer> consumer;
  int failures = 0;  // in a row; logged on the first and every kLogEveryFailures-th
  uint64_t published = applied_sequence_.load();  // the last sequence AppliedSequences stored
  auto idle_since = Clock::now();
  const auto failed = [&](const std::string& what) {
    if (failures++ % kLogEveryFailures == 0)
      log_("applier of " + shard_name + ": " + what +
           (failures > 1 ? " (" + std::to_string(failures) + " failures in a row)" : "") +
           " (retrying)");
    std::this_thread::sleep_for(kRetryWait);
  };
  while (!stopping_.load()) {
    if (!log) {
      // The stream exists once any node opened the shard's log; opening it here creates it.
      auto opened =
          ShardLog::open(connection_, {options_.collection, options_.shard_id, options_.replicas});
      if (!opened.ok()) {
        failed(opened.error().message);
        continue;
      }
      log = std::move(opened.value());
    }
    if (!consumer) {
      ShardConsumerOptions consumer_options;
      consumer_options.collection = options_.collection;
      consumer_options.shard_id = options_.shard_id;
      consumer_options.node_id = std::to_string(options_.node_id);
      const uint64_t stored = applied_sequence_.load();
      if (stored > 0) consumer_options.applied_sequence = stored;
      auto opened = ShardConsumer::open(connection_, consumer_options);
      if (!opened.ok()) {
        failed(opened.error().message);
        continue;
      }
      consumer = std::move(opened.value());
      idle_since = Clock::now();
    }
    auto batch = consumer->fetch(kFetchWaitMs);
    if (!batch.ok()) {
      consumer.reset();  // gone or unreachable: the next one starts after the stored sequence
      failed(batch.error().message);
      continue;
    }
    if (batch.value().empty()) {
      const uint64_t applied = applied_sequence_.load();
      if (published < applied &&
          applied_.publish(options_.collection, options_.shard_id, options_.node_id, applied)
              .ok()) {
        published = applied;  // stored now; a write waiting for it would time out otherwise
      }
      if (Clock::now() - idle_since < kStallCheck) continue;
      idle_since = Clock::now();
      // Nothing came for a while: fine if nothing was published, a stalled consumer (its pull
      // answers lost on the way) if the log holds more than was applied.
      auto last = log->last_sequence();
      if (last.ok() && last.value() > applied_sequence_.load()) {
        log_("applier of " + shard_name + ": the log holds operations up to " +
             std::to_string(last.value()) + " but none after " +
             std::to_string(applied_sequence_.load()) +
             " was delivered (opening another consumer)");
        consumer.reset();
      }
      continue;
    }
    if (failures > 0) {
      log_("applier of " + shard_name + ": reading the log again after " +
           std::to_string(failures) + " failure(s)");
      failures = 0;
    }
    idle_since = Clock::now();
    uint64_t last = applied_sequence_.load();
    bool gap = false;
    std::optional<Error> store_error;
    for (const ShardLogMessage& message : batch.value().messages()) {
      if (message.sequence <= last) continue;  // applied before a restart or redelivery
      // A shard's log never loses an operation, so a jump means deliveries were lost on the
      // way. Applying past it would skip those operations for good: stop, keep what was
      // applied, and read on from right after it.
      if (message.sequence != last + 1) {
        gap = true;
        break;
      }
      if (Status applied = apply_(message.operation); !applied.ok())
        log_("applier of " + shard_name + ": operation " + std::to_string(message.sequence) +
             " refused, skipped: " + applied.error().message);
      // Stored after each operation, so a crash replays at most the one it interrupted (see
      // the header: one operation applied twice in a row leaves what applying it once did).
      if (Status stored = store_sequence(message.sequence); !stored.ok()) {
        store_error = stored.error();
        break;
      }
      last = message.sequence;
    }
    if (store_error) {
      applied_sequence_.store(last);
      consumer.reset();  // the rest of the batch comes again, from right after `last`
      failed(store_error->message);
      continue;
    }
    applied_sequence_.store(last);
    if (applied_.publish(options_.collection, options_.shard_id, options_.node_id, last).ok())
      published = last;
    if (gap) {
      log_("applier of " + shard_name + ": operations after " + std::to_string(last) +
           " were not delivered in order (opening another consumer)");
      consumer.reset();
    }
  }
  // A consumer left behind goes with its inactivity threshold; removing it here could block
  // the stop for a JetStream timeout when its server is unreachable.
}

}  // namespace sextant::cluster
