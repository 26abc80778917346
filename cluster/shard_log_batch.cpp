// See shard_consumer.hpp (ShardLogBatch).
#include <utility>

#include "cluster/shard_consumer.hpp"

namespace sextant::cluster {

ShardLogBatch::ShardLogBatch(natsMsgList list) : list_(list) {
  messages_.reserve(static_cast<size_t>(list_.Count));
  for (int i = 0; i < list_.Count; ++i) {
    natsMsg* message = list_.Msgs[i];
    jsMsgMetaData* metadata = nullptr;
    if (natsMsg_GetMetaData(&metadata, message) != NATS_OK) continue;  // not a stream message
    messages_.push_back(
        {.sequence = metadata->Sequence.Stream,
         .operation = std::string_view(natsMsg_GetData(message),
                                       static_cast<size_t>(natsMsg_GetDataLength(message)))});
    jsMsgMetaData_Destroy(metadata);
  }
}

ShardLogBatch::~ShardLogBatch() {
  if (list_.Msgs != nullptr) natsMsgList_Destroy(&list_);
}

ShardLogBatch::ShardLogBatch(ShardLogBatch&& other) noexcept
    : list_(std::exchange(other.list_, natsMsgList{nullptr, 0})),
      messages_(std::move(other.messages_)) {}

ShardLogBatch& ShardLogBatch::operator=(ShardLogBatch&& other) noexcept {
  if (this != &other) {
    if (list_.Msgs != nullptr) natsMsgList_Destroy(&list_);
    list_ = std::exchange(other.list_, natsMsgList{nullptr, 0});
    messages_ = std::move(other.messages_);
  }
  return *this;
}

}  // namespace sextant::cluster
