// See shard_consumer.hpp (ShardLogBatch).
#include <utility>

#include "cluster/shard_consumer.hpp"

namespace sextant::cluster {

void ShardLogBatch::append(natsMsgList list) {
  lists_.push_back(list);
  messages_.reserve(messages_.size() + static_cast<size_t>(list.Count));
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* message = list.Msgs[i];
    jsMsgMetaData* metadata = nullptr;
    if (natsMsg_GetMetaData(&metadata, message) != NATS_OK) continue;  // not a stream message
    messages_.push_back(
        {.sequence = metadata->Sequence.Stream,
         .operation = std::string_view(natsMsg_GetData(message),
                                       static_cast<size_t>(natsMsg_GetDataLength(message)))});
    jsMsgMetaData_Destroy(metadata);
  }
}

void ShardLogBatch::release() {
  for (natsMsgList& list : lists_)
    if (list.Msgs != nullptr) natsMsgList_Destroy(&list);
  lists_.clear();
  messages_.clear();
}

ShardLogBatch::~ShardLogBatch() { release(); }

ShardLogBatch& ShardLogBatch::operator=(ShardLogBatch&& other) noexcept {
  if (this != &other) {
    release();
    lists_ = std::exchange(other.lists_, {});
    messages_ = std::exchange(other.messages_, {});
  }
  return *this;
}

}  // namespace sextant::cluster
