// See shard_consumer.hpp.
#include "cluster/shard_consumer.hpp"

#include "cluster/nats_error.hpp"

namespace sextant::cluster {
namespace {

// Creates the durable consumer so that its first delivery is the operation after
// `resume_after` (0: the stream's first).
natsStatus create_consumer(jsCtx* jetstream, const ShardLogNames& names, const std::string& name,
                           uint64_t resume_after, int replicas, jsErrCode* code) {
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = name.c_str();
  config.Name = name.c_str();
  config.FilterSubject = names.subject.c_str();
  config.AckPolicy = js_AckAll;
  config.Replicas = replicas;
  if (resume_after == 0) {
    config.DeliverPolicy = js_DeliverAll;
  } else {
    config.DeliverPolicy = js_DeliverByStartSequence;
    config.OptStartSeq = resume_after + 1;
  }
  jsConsumerInfo* info = nullptr;
  const natsStatus status =
      js_AddConsumer(&info, jetstream, names.stream.c_str(), &config, nullptr, code);
  jsConsumerInfo_Destroy(info);
  return status;
}

// Makes the durable consumer deliver next the operation after the resume point: an existing
// one that stands exactly there with everything acknowledged is kept, any other is replaced,
// since JetStream cannot move a consumer's position in place.
natsStatus position_consumer(jsCtx* jetstream, const ShardLogNames& names, const std::string& name,
                             std::optional<uint64_t> applied_sequence, int replicas,
                             jsErrCode* code) {
  jsConsumerInfo* info = nullptr;
  natsStatus status =
      js_GetConsumerInfo(&info, jetstream, names.stream.c_str(), name.c_str(), nullptr, code);
  if (status == NATS_NOT_FOUND) {
    return create_consumer(jetstream, names, name, applied_sequence.value_or(0), replicas, code);
  }
  if (status != NATS_OK) return status;
  const uint64_t acknowledged = info->AckFloor.Stream;
  const uint64_t delivered = info->Delivered.Stream;
  jsConsumerInfo_Destroy(info);
  const uint64_t resume_after = applied_sequence.value_or(acknowledged);
  // Kept only with nothing in flight: operations delivered but not acknowledged would come
  // again once their ack wait ran out, after later ones.
  if (delivered == resume_after && acknowledged == resume_after) return NATS_OK;
  status = js_DeleteConsumer(jetstream, names.stream.c_str(), name.c_str(), nullptr, code);
  if (status != NATS_OK && status != NATS_NOT_FOUND) return status;
  return create_consumer(jetstream, names, name, resume_after, replicas, code);
}

}  // namespace

Result<std::unique_ptr<ShardConsumer>> ShardConsumer::open(NatsConnection& connection,
                                                           const ShardConsumerOptions& options) {
  ShardLogNames names = shard_log_names(options.collection, options.shard_id);
  std::string name = shard_consumer_name(options.node_id);
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus status = position_consumer(connection.jetstream(), names, name,
                                        options.applied_sequence, options.replicas, &code);
  if (status != NATS_OK) {
    return nats_error("positioning consumer " + name + " on " + names.stream, status, code);
  }
  jsSubOptions subscribe_options;
  jsSubOptions_Init(&subscribe_options);
  subscribe_options.Stream = names.stream.c_str();
  subscribe_options.Consumer = name.c_str();  // bind: the library neither creates nor deletes it
  subscribe_options.ManualAck = true;
  natsSubscription* subscription = nullptr;
  code = static_cast<jsErrCode>(0);
  status = js_PullSubscribe(&subscription, connection.jetstream(), names.subject.c_str(),
                            name.c_str(), nullptr, &subscribe_options, &code);
  if (status != NATS_OK) {
    return nats_error("binding to consumer " + name + " on " + names.stream, status, code);
  }
  return std::unique_ptr<ShardConsumer>(new ShardConsumer(
      connection, std::move(names), std::move(name), subscription, options.max_batch));
}

ShardConsumer::~ShardConsumer() { natsSubscription_Destroy(subscription_); }

Result<ShardLogBatch> ShardConsumer::fetch(int64_t wait_ms) {
  natsMsgList list{nullptr, 0};
  jsErrCode code = static_cast<jsErrCode>(0);
  // The client asks first for what is ready now and returns it at once, even short of a full
  // batch; only when nothing is ready does it wait (up to wait_ms) for the first operation.
  natsStatus status = natsSubscription_Fetch(&list, subscription_, max_batch_, wait_ms, &code);
  if (status == NATS_TIMEOUT) status = NATS_OK;  // nothing came
  if (status != NATS_OK) {
    natsMsgList_Destroy(&list);
    return nats_error("fetching from " + names_.stream, status, code);
  }
  return ShardLogBatch(list);
}

Status ShardConsumer::acknowledge(const ShardLogBatch& batch) {
  natsMsg* last = batch.last_message();
  if (last == nullptr) return {};
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status = natsMsg_AckSync(last, nullptr, &code);
  if (status != NATS_OK) return nats_error("acknowledging on " + names_.stream, status, code);
  return {};
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
