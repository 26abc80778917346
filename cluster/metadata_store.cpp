// See metadata_store.hpp.
#include "cluster/metadata_store.hpp"

#include <algorithm>

#include "cluster/nats_error.hpp"

namespace sextant::cluster {

int replicas_for_cluster_size(int node_count) { return std::clamp(node_count, 1, 3); }

Result<std::unique_ptr<MetadataStore>> MetadataStore::open(NatsConnection& connection,
                                                           const MetadataStoreOptions& options) {
  kvStore* store = nullptr;
  natsStatus status = js_KeyValue(&store, connection.jetstream(), options.bucket.c_str());
  if (status == NATS_NOT_FOUND) {
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = options.bucket.c_str();
    config.History = 1;
    config.Replicas = options.replicas;
    config.TTL = options.ttl_ms * 1000 * 1000;  // nanoseconds
    config.StorageType = js_FileStorage;
    status = js_CreateKeyValue(&store, connection.jetstream(), &config);
  }
  if (status != NATS_OK) {
    return nats_error("opening the metadata bucket " + options.bucket, status);
  }
  return std::unique_ptr<MetadataStore>(new MetadataStore(store, options.bucket));
}

MetadataStore::~MetadataStore() { kvStore_Destroy(store_); }

Result<uint64_t> MetadataStore::put(const std::string& key, const std::string& value) {
  uint64_t revision = 0;
  const natsStatus status =
      kvStore_Put(&revision, store_, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (status != NATS_OK) return nats_error("writing metadata key " + key, status);
  return revision;
}

Result<std::optional<MetadataEntry>> MetadataStore::get(const std::string& key) {
  kvEntry* entry = nullptr;
  const natsStatus status = kvStore_Get(&entry, store_, key.c_str());
  if (status == NATS_NOT_FOUND) return std::optional<MetadataEntry>();
  if (status != NATS_OK) return nats_error("reading metadata key " + key, status);
  MetadataEntry copied = entry_from(entry);
  kvEntry_Destroy(entry);
  return std::optional<MetadataEntry>(std::move(copied));
}

Result<WriteOutcome> MetadataStore::create(const std::string& key, const std::string& value) {
  WriteOutcome outcome;
  const natsStatus status = kvStore_Create(&outcome.revision, store_, key.c_str(), value.data(),
                                           static_cast<int>(value.size()));
  if (status == NATS_OK) return outcome;
  if (last_error_is_wrong_last_sequence(static_cast<jsErrCode>(0))) {
    return WriteOutcome{.conflict = true, .revision = 0};
  }
  return nats_error("creating metadata key " + key, status);
}

Result<WriteOutcome> MetadataStore::update(const std::string& key, const std::string& value,
                                           uint64_t expected_revision) {
  WriteOutcome outcome;
  const natsStatus status = kvStore_Update(&outcome.revision, store_, key.c_str(), value.data(),
                                           static_cast<int>(value.size()), expected_revision);
  if (status == NATS_OK) return outcome;
  if (last_error_is_wrong_last_sequence(static_cast<jsErrCode>(0))) {
    return WriteOutcome{.conflict = true, .revision = 0};
  }
  return nats_error("updating metadata key " + key, status);
}

Status MetadataStore::erase(const std::string& key) {
  const natsStatus status = kvStore_Delete(store_, key.c_str());
  if (status != NATS_OK) return nats_error("deleting metadata key " + key, status);
  return {};
}

Result<std::unique_ptr<MetadataWatch>> MetadataStore::watch(const std::string& key_pattern,
                                                            MetadataWatch::Callback on_change,
                                                            MetadataWatchOptions options) {
  kvStore* store = store_;
  MetadataWatch::Opener open = [store, key_pattern]() -> Result<kvWatcher*> {
    kvWatcher* watcher = nullptr;
    const natsStatus status = kvStore_Watch(&watcher, store, key_pattern.c_str(), nullptr);
    if (status != NATS_OK) return nats_error("watching metadata keys " + key_pattern, status);
    return watcher;
  };
  auto first = open();
  if (!first.ok()) return first.error();
  return std::make_unique<MetadataWatch>(first.value(), std::move(open), std::move(on_change),
                                         std::move(options));
}

}  // namespace sextant::cluster
