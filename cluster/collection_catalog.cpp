// See collection_catalog.hpp.
#include "cluster/collection_catalog.hpp"

namespace sextant::cluster {
namespace {

// A quiet bucket is read again from a new watcher this often (metadata_watch.hpp).
constexpr auto kResyncAfterSilence = std::chrono::seconds(10);

}  // namespace

Result<std::unique_ptr<CollectionCatalog>> CollectionCatalog::start(MetadataStore& metadata,
                                                                    CollectionApplier applier) {
  std::unique_ptr<CollectionCatalog> catalog(new CollectionCatalog(std::move(applier)));
  CollectionCatalog* self = catalog.get();
  MetadataWatchOptions watch_options;
  watch_options.resync_after_silence = kResyncAfterSilence;
  watch_options.on_resynced = [self](const std::set<std::string>& present) {
    self->forget_absent(present);
  };
  auto watch = metadata.watch(
      std::string(kCollectionKeyPattern),
      [self](const MetadataEntry& entry) { self->on_change(entry); }, std::move(watch_options));
  if (!watch.ok()) return watch.error();
  catalog->watch_ = std::move(watch.value());
  return catalog;
}

CollectionCatalog::~CollectionCatalog() { watch_.reset(); }

void CollectionCatalog::on_change(const MetadataEntry& entry) {
  std::string name;
  Status outcome;
  if (entry.deleted) {
    {
      std::lock_guard lock(mutex_);
      auto known = names_by_key_.find(entry.key);
      if (known == names_by_key_.end()) {
        applied_revision_ = std::max(applied_revision_, entry.revision);
        return;  // never seen here: nothing to drop
      }
      name = known->second;
    }
    outcome = applier_.drop(name);
    std::lock_guard lock(mutex_);
    placements_.erase(name);
    names_by_key_.erase(entry.key);
  } else {
    {
      // Delivered again by a new watcher: applied already.
      std::lock_guard lock(mutex_);
      auto known = names_by_key_.find(entry.key);
      if (known != names_by_key_.end()) {
        auto outcome = outcomes_.find(known->second);
        if (outcome != outcomes_.end() && outcome->second.revision >= entry.revision) return;
      }
    }
    auto placement = decode_placement(entry.value);
    if (!placement.ok()) {
      std::lock_guard lock(mutex_);
      applied_revision_ = std::max(applied_revision_, entry.revision);
      return;
    }
    name = placement.value().name;
    placement.value().revision = entry.revision;
    if (placement.value().generation == 0) placement.value().generation = entry.revision;
    outcome = applier_.create(placement.value());
    std::lock_guard lock(mutex_);
    names_by_key_[entry.key] = name;
    placements_[name] = std::move(placement.value());
  }
  std::lock_guard lock(mutex_);
  outcomes_[name] = Outcome{entry.revision, std::move(outcome)};
  applied_revision_ = std::max(applied_revision_, entry.revision);
  applied_.notify_all();
}

void CollectionCatalog::forget_absent(const std::set<std::string>& present_keys) {
  std::vector<std::pair<std::string, uint64_t>> gone;  // key, revision
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, name] : names_by_key_) {
      if (present_keys.contains(key)) continue;
      auto outcome = outcomes_.find(name);
      gone.emplace_back(key, outcome == outcomes_.end() ? 0 : outcome->second.revision);
    }
  }
  // Deleted while the old watcher was deaf: dropped as its delete marker would have been.
  for (const auto& [key, revision] : gone)
    on_change(MetadataEntry{.key = key, .value = {}, .revision = revision, .deleted = true});
}

std::optional<CollectionPlacement> CollectionCatalog::placement(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto found = placements_.find(name);
  if (found == placements_.end()) return std::nullopt;
  return found->second;
}

std::optional<CollectionPlacement> CollectionCatalog::current_placement(
    const std::string& name, MetadataStore& metadata, std::chrono::milliseconds timeout) const {
  if (auto known = placement(name)) return known;
  auto stored = metadata.get(collection_key(name));
  if (!stored.ok() || !stored.value()) return std::nullopt;
  if (!wait_applied(name, stored.value()->revision, timeout).ok()) return std::nullopt;
  return placement(name);
}

std::map<std::string, CollectionPlacement> CollectionCatalog::placements() const {
  std::lock_guard lock(mutex_);
  return placements_;
}

uint64_t CollectionCatalog::applied_revision() const {
  std::lock_guard lock(mutex_);
  return applied_revision_;
}

Status CollectionCatalog::wait_applied(const std::string& name, uint64_t revision,
                                       std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  const bool applied = applied_.wait_for(lock, timeout, [&] {
    auto outcome = outcomes_.find(name);
    return outcome != outcomes_.end() && outcome->second.revision >= revision;
  });
  if (!applied)
    return Error{ErrorKind::kUnavailable,
                 "Service internal error: the cluster did not apply the change of collection `" +
                     name + "` on this node within " + std::to_string(timeout.count()) + " ms"};
  return outcomes_.at(name).status;
}

}  // namespace sextant::cluster
