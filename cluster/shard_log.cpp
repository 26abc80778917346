// See shard_log.hpp.
#include "cluster/shard_log.hpp"

#include "cluster/nats_error.hpp"

namespace sextant::cluster {

Result<std::unique_ptr<ShardLog>> ShardLog::open(NatsConnection& connection,
                                                 const ShardLogOptions& options) {
  ShardLogNames names = shard_log_names(options.collection, options.shard_id);
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus status =
      js_GetStreamInfo(&info, connection.jetstream(), names.stream.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    const char* subjects[] = {names.subject.c_str()};
    config.Name = names.stream.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Retention = js_LimitsPolicy;
    config.Replicas = options.replicas;
    config.Duplicates = options.duplicate_window_ms * 1000 * 1000;  // nanoseconds
    code = static_cast<jsErrCode>(0);
    status = js_AddStream(&info, connection.jetstream(), &config, nullptr, &code);
  }
  jsStreamInfo_Destroy(info);
  if (status != NATS_OK) return nats_error("opening shard log " + names.stream, status, code);
  return std::unique_ptr<ShardLog>(new ShardLog(connection, std::move(names)));
}

Result<PublishAck> ShardLog::publish(std::string_view operation, const std::string& operation_id) {
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.ExpectStream = names_.stream.c_str();  // refuses a subject captured by another stream
  if (!operation_id.empty()) options.MsgId = operation_id.c_str();
  jsPubAck* ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_Publish(&ack, connection_.jetstream(), names_.subject.c_str(), operation.data(),
                 static_cast<int>(operation.size()), &options, &code);
  if (status != NATS_OK) {
    return nats_error("publishing to shard log " + names_.stream, status, code);
  }
  const PublishAck result{.sequence = ack->Sequence, .duplicate = ack->Duplicate};
  jsPubAck_Destroy(ack);
  return result;
}

Result<uint64_t> ShardLog::last_sequence() {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_GetStreamInfo(&info, connection_.jetstream(), names_.stream.c_str(), nullptr, &code);
  if (status != NATS_OK) return nats_error("reading shard log " + names_.stream, status, code);
  const uint64_t last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  return last;
}

Status ShardLog::destroy() {
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status =
      js_DeleteStream(connection_.jetstream(), names_.stream.c_str(), nullptr, &code);
  if (status != NATS_OK && status != NATS_NOT_FOUND) {
    return nats_error("deleting shard log " + names_.stream, status, code);
  }
  return {};
}

}  // namespace sextant::cluster
