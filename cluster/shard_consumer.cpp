// See shard_consumer.hpp.
#include "cluster/shard_consumer.hpp"

#include <atomic>

#include "cluster/nats_error.hpp"

namespace sextant::cluster {
namespace {

// How long JetStream keeps a consumer nobody pulls from (an applier that died or dropped it).
constexpr int64_t kInactiveSeconds = 30;

std::string unique_consumer_name(const std::string& node_id) {
  static std::atomic<uint64_t> opened{0};
  return shard_consumer_name(node_id) + "-" + std::to_string(opened.fetch_add(1) + 1);
}

}  // namespace

Result<std::unique_ptr<ShardConsumer>> ShardConsumer::open(NatsConnection& connection,
                                                           const ShardConsumerOptions& options) {
  ShardLogNames names = shard_log_names(options.collection, options.shard_id);
  std::string name = unique_consumer_name(options.node_id);
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Name = name.c_str();  // no Durable: JetStream removes it once inactive
  config.FilterSubject = names.subject.c_str();
  config.AckPolicy = js_AckNone;
  config.Replicas = 1;
  config.MemoryStorage = true;
  config.InactiveThreshold = kInactiveSeconds * 1000 * 1000 * 1000;  // nanoseconds
  const uint64_t resume_after = options.applied_sequence.value_or(0);
  if (resume_after == 0) {
    config.DeliverPolicy = js_DeliverAll;
  } else {
    config.DeliverPolicy = js_DeliverByStartSequence;
    config.OptStartSeq = resume_after + 1;
  }
  jsConsumerInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus status =
      js_AddConsumer(&info, connection.jetstream(), names.stream.c_str(), &config, nullptr, &code);
  jsConsumerInfo_Destroy(info);
  if (status != NATS_OK) {
    return nats_error("creating consumer " + name + " on " + names.stream, status, code);
  }
  jsSubOptions subscribe_options;
  jsSubOptions_Init(&subscribe_options);
  subscribe_options.Stream = names.stream.c_str();
  subscribe_options.Consumer = name.c_str();  // bind: the library neither creates nor deletes it
  // The library checks the bound consumer's settings against these.
  subscribe_options.Config.AckPolicy = js_AckNone;
  subscribe_options.Config.MemoryStorage = true;
  natsSubscription* subscription = nullptr;
  code = static_cast<jsErrCode>(0);
  status = js_PullSubscribe(&subscription, connection.jetstream(), names.subject.c_str(),
                            name.c_str(), nullptr, &subscribe_options, &code);
  if (status != NATS_OK) {
    auto consumer = std::unique_ptr<ShardConsumer>(
        new ShardConsumer(connection, names, name, nullptr, options.max_batch));
    (void)consumer->remove();
    return nats_error("binding to consumer " + name + " on " + names.stream, status, code);
  }
  return std::unique_ptr<ShardConsumer>(new ShardConsumer(
      connection, std::move(names), std::move(name), subscription, options.max_batch));
}

ShardConsumer::~ShardConsumer() {
  if (subscription_ != nullptr) natsSubscription_Destroy(subscription_);
}

Result<ShardLogBatch> ShardConsumer::fetch(int64_t wait_ms) {
  // Two requests, because the library's fetch of a batch waits, when nothing is ready, until
  // the whole batch came or the time ran out (a lone operation would wait the full `wait_ms`):
  // first one operation, delivered the moment one is there; then, without waiting, whatever
  // else is ready, up to a batch.
  ShardLogBatch batch;
  natsMsgList first{nullptr, 0};
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus status = natsSubscription_Fetch(&first, subscription_, 1, wait_ms, &code);
  // Nothing came: the time ran out, or the late "no messages" answer of the previous no-wait
  // request ended this one (the library reads it as this request's).
  if (status == NATS_TIMEOUT || status == NATS_NOT_FOUND) status = NATS_OK;
  if (status != NATS_OK) {
    natsMsgList_Destroy(&first);
    return nats_error("fetching from " + names_.stream, status, code);
  }
  batch.append(first);
  if (batch.empty() || max_batch_ <= 1) return batch;
  jsFetchRequest request;
  jsFetchRequest_Init(&request);
  request.Batch = max_batch_ - 1;
  request.NoWait = true;  // no Expires: with one, the server holds the answer until it runs out
  natsMsgList rest{nullptr, 0};
  code = static_cast<jsErrCode>(0);
  status = natsSubscription_FetchRequest(&rest, subscription_, &request);
  // Nothing more ready (or the answer is late): the first operation goes on its own.
  if (status == NATS_OK)
    batch.append(rest);
  else
    natsMsgList_Destroy(&rest);
  return batch;
}

Status ShardConsumer::remove() {
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status = js_DeleteConsumer(connection_.jetstream(), names_.stream.c_str(),
                                              consumer_name_.c_str(), nullptr, &code);
  if (status != NATS_OK && status != NATS_NOT_FOUND) {
    return nats_error("removing consumer " + consumer_name_, status, code);
  }
  return {};
}

}  // namespace sextant::cluster
