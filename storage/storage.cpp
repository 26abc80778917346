#include "storage/storage.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>

#include "storage/schema_from_config.hpp"

namespace sextant::storage {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kCatalogFormat = 1;
const char kFormatKey[] = "format";
const char kNextDirKey[] = "next_dir";

// An error's message without the "Service internal error: " its kind adds, to be quoted inside
// another message.
std::string reason_of(const Error& error) {
  const std::string_view prefix = "Service internal error: ";
  const std::string_view message = error.message;
  return std::string(message.starts_with(prefix) ? message.substr(prefix.size()) : message);
}

}  // namespace

Result<std::unique_ptr<Storage>> Storage::open(const std::string& storage_path,
                                               std::shared_ptr<const CollectionConfigCodec> codec,
                                               LogSink log) {
  std::unique_ptr<Storage> storage(new Storage());
  storage->path_ = storage_path;
  storage->codec_ = std::move(codec);
  storage->log_ = std::move(log);
  if (!storage->codec_) return Error::internal("storage opened without a configuration codec");
  std::error_code ec;
  fs::create_directories(storage_path, ec);
  if (ec)
    return Error::internal("cannot create storage directory " + storage_path + ": " + ec.message());

  const fs::path catalog_dir = fs::path(storage_path) / "catalog";
  if (!fs::exists(catalog_dir)) {
    // Another engine's data (Qdrant keeps collections/, aliases/ and raft_state.json here) is
    // never taken over; unrelated files (e.g. this project's sources when run from a checkout)
    // are left alone beside ours.
    for (const char* foreign : {"collections", "aliases", "raft_state.json", "data.mdb"}) {
      if (fs::exists(fs::path(storage_path) / foreign))
        return Error::internal("storage directory " + storage_path +
                               " holds data that is not Sextant's (found `" + foreign +
                               "`); refusing to use it. Point storage.storage_path at an empty "
                               "or Sextant directory.");
    }
  }
  storage->lock_fd_ = ::open((fs::path(storage_path) / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  if (storage->lock_fd_ < 0 || flock(storage->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return Error::internal("storage directory " + storage_path + " is in use by another process");

  lmdb::Env::Options options;
  options.map_size_bytes = 4ull << 30;
  auto env = lmdb::Env::open(catalog_dir.string(), options);
  if (!env.ok()) return env.error();
  storage->catalog_ = std::move(env.value());
  if (auto st = storage->load(); !st.ok()) return st.error();
  return storage;
}

Storage::~Storage() { close(); }

LogSink Storage::collection_log(const std::string& name) const {
  if (!log_) return {};
  return [log = log_, name](std::string_view line) {
    log("Collection `" + name + "`, " + std::string(line));
  };
}

void Storage::close() {
  std::unique_lock lock(mutex_);
  for (auto& [name, collection] : collections_) collection->close();
  collections_.clear();
  if (catalog_) catalog_->sync();
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
}

Status Storage::load() {
  auto txn = lmdb::Txn::begin(*catalog_, lmdb::Txn::Mode::kWrite);
  if (!txn.ok()) return txn.error();
  for (auto [name, dbi] : {std::pair{"collections", &collections_db_},
                           std::pair{"aliases", &aliases_db_}, std::pair{"meta", &meta_db_}}) {
    auto opened = txn->open_db(name, MDB_CREATE);
    if (!opened.ok()) return opened.error();
    *dbi = opened.value();
  }
  auto format = txn->get(meta_db_, lmdb::as_bytes(kFormatKey));
  if (!format.ok()) return format.error();
  if (format.value()) {
    uint32_t version = 0;
    if (format.value()->size() == 4) std::memcpy(&version, format.value()->data(), 4);
    if (version > kCatalogFormat)
      return Error::internal("storage at " + path_ + " has format " + std::to_string(version) +
                             ", newer than this build reads (" + std::to_string(kCatalogFormat) +
                             "); refusing to open it");
  } else {
    uint32_t version = kCatalogFormat;
    auto st = txn->put(meta_db_, lmdb::as_bytes(kFormatKey),
                       lmdb::Bytes(reinterpret_cast<const uint8_t*>(&version), 4));
    if (!st.ok()) return st;
  }
  auto next = txn->get(meta_db_, lmdb::as_bytes(kNextDirKey));
  if (next.ok() && next.value() && next.value()->size() == 8)
    std::memcpy(&next_directory_number_, next.value()->data(), 8);

  // The cursors close before the commit: LMDB frees a write transaction's cursors when it ends.
  {
    auto cursor = lmdb::Cursor::open(txn.value(), collections_db_);
    if (!cursor.ok()) return cursor.error();
    for (bool ok = cursor->seek(); ok; ok = cursor->next()) {
      std::string name(lmdb::as_string(cursor->key()));
      std::string dir;
      auto collection = open_catalog_entry(name, lmdb::as_string(cursor->value()), dir);
      if (!dir.empty()) collection_dirs_[name] = dir;  // kept even when it cannot be opened
      if (collection.ok()) {
        collections_[name] = collection.value();
        continue;
      }
      unopenable_[name] = collection.error().message;
      if (auto log = collection_log(name))
        log("cannot be opened (" + collection.error().message +
            "); it is not served and requests to it fail until it is deleted or recovered from a "
            "snapshot; the other collections serve");
    }
    if (auto st = cursor->status(); !st.ok()) return st;  // the catalog itself is damaged
    auto alias_cursor = lmdb::Cursor::open(txn.value(), aliases_db_);
    if (!alias_cursor.ok()) return alias_cursor.error();
    for (bool ok = alias_cursor->seek(); ok; ok = alias_cursor->next())
      aliases_[std::string(lmdb::as_string(alias_cursor->key()))] =
          std::string(lmdb::as_string(alias_cursor->value()));
  }
  if (auto st = txn->commit(); !st.ok()) return st;

  // Directories no catalog entry names are left from an interrupted create or delete.
  const fs::path collections_dir = fs::path(path_) / "collections";
  std::error_code ec;
  if (fs::exists(collections_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(collections_dir)) {
      bool known = false;
      for (const auto& [name, dir] : collection_dirs_) known |= entry.path().filename() == dir;
      if (!known) fs::remove_all(entry.path(), ec);
    }
  }
  return {};
}

Result<std::shared_ptr<Collection>> Storage::open_catalog_entry(const std::string& name,
                                                                std::string_view entry_text,
                                                                std::string& dir) const {
  boost::system::error_code ec;
  auto entry = boost::json::parse(entry_text, ec);
  if (ec || !entry.is_object() || !entry.get_object().contains("dir") ||
      !entry.get_object().at("dir").is_string() || !entry.get_object().contains("config"))
    return Error::corrupted("its catalog entry does not decode");
  const auto& object = entry.get_object();
  dir = std::string(object.at("dir").as_string());
  auto config = codec_->decode(boost::json::serialize(object.at("config")));
  if (!config.ok())
    return Error::corrupted("its configuration does not decode: " + reason_of(config.error()));
  auto opened =
      Collection::open((fs::path(path_) / "collections" / dir).string(),
                       schema_from_config(config.value()), config.value(), collection_log(name));
  if (!opened.ok()) return Error::corrupted(reason_of(opened.error()));
  return opened.value();
}

Result<lmdb::Txn> Storage::begin_catalog_write() {
  const bool grow = catalog_->take_map_full();
  if (grow || catalog_->unusable()) {
    lmdb::TransactionGate& gate = catalog_->gate();
    gate.hold();
    Status repaired = gate.wait_until_empty(std::chrono::seconds(10))
                          ? (grow ? catalog_->grow_map() : catalog_->reopen())
                          : Status(Error::internal("catalog transactions still open"));
    gate.release();
    if (log_)
      log_(std::string(grow ? "The catalog's LMDB map was full; growing it"
                            : "LMDB refused catalog writes after a failed write; reopening it") +
           (repaired.ok() ? ": done" : ": failed (" + repaired.error().message + ")"));
    if (!repaired.ok()) return repaired.error();
  }
  return lmdb::Txn::begin(*catalog_, lmdb::Txn::Mode::kWrite);
}

Status Storage::record_in_catalog(const std::string& name, const std::string& entry_text) {
  auto txn = begin_catalog_write();
  if (!txn.ok()) return txn.error();
  Status st = txn->put(collections_db_, lmdb::as_bytes(name), lmdb::as_bytes(entry_text));
  if (st.ok())
    st = txn->put(meta_db_, lmdb::as_bytes(kNextDirKey),
                  lmdb::Bytes(reinterpret_cast<const uint8_t*>(&next_directory_number_), 8));
  if (st.ok()) st = txn->commit();
  return st;
}

Error Storage::unopenable_error(const std::string& name) const {
  return Error::internal("Collection `" + name + "` could not be opened: " + unopenable_.at(name));
}

std::map<std::string, std::string> Storage::unopenable_collections() const {
  std::shared_lock lock(mutex_);
  return unopenable_;
}

std::optional<std::string> Storage::resolve(const std::string& name_or_alias) const {
  std::shared_lock lock(mutex_);
  if (collections_.count(name_or_alias) || unopenable_.count(name_or_alias)) return name_or_alias;
  auto it = aliases_.find(name_or_alias);
  if (it != aliases_.end()) return it->second;
  return std::nullopt;
}

Result<std::shared_ptr<Collection>> Storage::collection(const std::string& name_or_alias) const {
  std::shared_lock lock(mutex_);
  auto it = collections_.find(name_or_alias);
  if (it == collections_.end()) {
    auto alias = aliases_.find(name_or_alias);
    if (alias != aliases_.end()) it = collections_.find(alias->second);
  }
  if (it == collections_.end()) {
    const auto alias = aliases_.find(name_or_alias);
    const std::string& name = alias != aliases_.end() ? alias->second : name_or_alias;
    if (unopenable_.count(name)) return unopenable_error(name);
    return Error::collection_not_found(name_or_alias);
  }
  return it->second;
}

std::vector<std::string> Storage::collection_names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, collection] : collections_) names.push_back(name);
  return names;
}

Status Storage::create_collection(const std::string& name, const CollectionConfig& config) {
  std::unique_lock lock(mutex_);
  if (collections_.count(name) || unopenable_.count(name))
    return Error::already_exists("Collection `" + name + "` already exists!");
  if (aliases_.count(name))
    return Error::bad_input("Can't create collection with name " + name +
                            ". Alias with the same name already exists");
  std::string dir = std::to_string(++next_directory_number_);
  const std::string directory = (fs::path(path_) / "collections" / dir).string();
  auto collection =
      Collection::open(directory, schema_from_config(config), config, collection_log(name));
  if (!collection.ok()) {
    std::error_code ec;
    fs::remove_all(directory, ec);  // e.g. a lock file made before the disk filled
    return collection.error();
  }

  Status st = record_in_catalog(name, catalog_entry(dir, config));
  if (!st.ok()) {
    collection.value()->close();
    std::error_code ec;
    fs::remove_all(collection.value()->directory(), ec);
    return st;
  }
  collections_[name] = collection.value();
  collection_dirs_[name] = dir;
  return {};
}

Result<bool> Storage::delete_collection(const std::string& name) {
  std::shared_ptr<Collection> removed;
  std::string removed_dir;
  {
    std::unique_lock lock(mutex_);
    auto it = collections_.find(name);
    const bool unopenable = unopenable_.count(name) > 0;
    if (it == collections_.end() && !unopenable) return false;
    auto txn = begin_catalog_write();
    if (!txn.ok()) return txn.error();
    auto del = txn->del(collections_db_, lmdb::as_bytes(name));
    if (!del.ok()) return del.error();
    std::vector<std::string> dropped_aliases;
    for (const auto& [alias, target] : aliases_) {
      if (target != name) continue;
      auto d = txn->del(aliases_db_, lmdb::as_bytes(alias));
      if (!d.ok()) return d.error();
      dropped_aliases.push_back(alias);
    }
    if (auto st = txn->commit(); !st.ok()) return st.error();
    for (const auto& alias : dropped_aliases) aliases_.erase(alias);
    if (unopenable) {
      unopenable_.erase(name);
      if (auto dir = collection_dirs_.find(name); dir != collection_dirs_.end())
        removed_dir = (fs::path(path_) / "collections" / dir->second).string();
    } else {
      removed = it->second;
      collections_.erase(it);
    }
    collection_dirs_.erase(name);
  }
  std::error_code ec;
  if (removed) {
    // Requests still holding the collection keep it open; its files go once it is closed here.
    removed->close();
    removed_dir = removed->directory();
  }
  if (!removed_dir.empty()) fs::remove_all(removed_dir, ec);
  return true;
}

Status Storage::update_collection_config(const std::string& name, const CollectionConfig& config) {
  std::unique_lock lock(mutex_);
  auto it = collections_.find(name);
  if (it == collections_.end()) return Error::collection_not_found(name);
  std::string text = catalog_entry(collection_dirs_[name], config);
  auto txn = begin_catalog_write();
  if (!txn.ok()) return txn.error();
  auto st = txn->put(collections_db_, lmdb::as_bytes(name), lmdb::as_bytes(text));
  if (st.ok()) st = txn->commit();
  if (!st.ok()) return st;
  it->second->set_config(config);
  return {};
}

Status Storage::create_vector_name(const std::string& name_or_alias, const NewVectorName& vector) {
  std::unique_lock lock(mutex_);
  auto alias = aliases_.find(name_or_alias);
  const std::string name = alias != aliases_.end() ? alias->second : name_or_alias;
  auto it = collections_.find(name);
  if (it == collections_.end()) return Error::collection_not_found(name_or_alias);
  CollectionConfig config = it->second->config();
  auto changed = add_vector_name(config, vector);
  if (!changed.ok()) return changed.error();
  if (!changed.value()) return {};
  return reopen_with_config(name, config, std::nullopt);
}

Status Storage::delete_vector_name(const std::string& name_or_alias,
                                   const std::string& vector_name) {
  std::unique_lock lock(mutex_);
  auto alias = aliases_.find(name_or_alias);
  const std::string name = alias != aliases_.end() ? alias->second : name_or_alias;
  auto it = collections_.find(name);
  if (it == collections_.end()) return Error::collection_not_found(name_or_alias);
  CollectionConfig config = it->second->config();
  auto removed = remove_vector_name(config, vector_name);
  if (!removed) return {};
  return reopen_with_config(name, config, removed);
}

Status Storage::reopen_with_config(const std::string& name, const CollectionConfig& config,
                                   const std::optional<RemovedVector>& removed) {
  std::shared_ptr<Collection> old = collections_.at(name);
  const CollectionSchema old_schema = old->schema();
  const std::string new_dir = std::to_string(++next_directory_number_);
  const fs::path target = fs::path(path_) / "collections" / new_dir;
  std::error_code ec;
  old->close();  // no write may land after the copy
  auto fail = [&](const Error& error) -> Status {
    // The old collection is closed: it is reported as unopenable until deleted or recovered.
    fs::remove_all(target, ec);
    collections_.erase(name);
    unopenable_[name] = error.message;
    return error;
  };
  if (auto st = old->env().copy_to(target.string()); !st.ok()) return fail(st.error());
  if (removed) {
    auto env = lmdb::Env::open(target.string(), lmdb::Env::Options{});
    if (!env.ok()) return fail(env.error());
    if (auto st = remove_vector_data(*env.value(), old_schema, *removed); !st.ok())
      return fail(st.error());
  }
  auto opened =
      Collection::open(target.string(), schema_from_config(config), config, collection_log(name));
  if (!opened.ok()) return fail(opened.error());
  Status st = record_in_catalog(name, catalog_entry(new_dir, config));
  if (!st.ok()) {
    opened.value()->close();
    return fail(st.error());
  }
  collections_[name] = opened.value();
  collection_dirs_[name] = new_dir;
  fs::remove_all(old->directory(), ec);
  return {};
}

Status Storage::update_aliases(const std::vector<AliasAction>& actions) {
  std::unique_lock lock(mutex_);
  std::map<std::string, std::string> next = aliases_;
  for (const auto& action : actions) {
    switch (action.kind) {
      case AliasAction::Kind::kCreate:
        if (!collections_.count(action.collection_name))
          return Error::collection_not_found(action.collection_name);
        if (collections_.count(action.alias_name))
          return Error::already_exists("Collection `" + action.alias_name + "` already exists!");
        next[action.alias_name] = action.collection_name;
        break;
      case AliasAction::Kind::kDelete:
        next.erase(action.alias_name);
        break;
      case AliasAction::Kind::kRename: {
        auto it = next.find(action.alias_name);
        if (it == next.end())
          return Error::not_found("Alias " + action.alias_name + " does not exists!");
        std::string target = it->second;
        next.erase(it);
        next[action.new_alias_name] = target;
        break;
      }
    }
  }
  auto txn = begin_catalog_write();
  if (!txn.ok()) return txn.error();
  if (auto st = txn->drop(aliases_db_, false); !st.ok()) return st;
  for (const auto& [alias, target] : next)
    if (auto st = txn->put(aliases_db_, lmdb::as_bytes(alias), lmdb::as_bytes(target)); !st.ok())
      return st;
  if (auto st = txn->commit(); !st.ok()) return st;
  aliases_ = std::move(next);
  return {};
}

Result<std::string> Storage::export_collection(const std::string& name_or_alias,
                                               const std::string& directory) const {
  auto collection = this->collection(name_or_alias);
  if (!collection.ok()) return collection.error();
  if (auto st = collection.value()->env().copy_to(directory); !st.ok()) return st.error();
  return codec_->encode(collection.value()->config());
}

Status Storage::import_collection(const std::string& name, const std::string& directory,
                                  std::string_view encoded_config) {
  auto decoded = codec_->decode(encoded_config);
  if (!decoded.ok())
    return Error::bad_request("snapshot configuration is invalid: " + decoded.error().message);
  const CollectionConfig& config = decoded.value();

  std::shared_ptr<Collection> replaced;
  std::string new_dir;
  {
    std::unique_lock lock(mutex_);
    if (aliases_.count(name))
      return Error::bad_input("Can't create collection with name " + name +
                              ". Alias with the same name already exists");
    new_dir = std::to_string(++next_directory_number_);
    const fs::path target = fs::path(path_) / "collections" / new_dir;
    std::error_code ec;
    fs::create_directories(target, ec);
    if (!ec)
      fs::copy_file(fs::path(directory) / "data.mdb", target / "data.mdb",
                    fs::copy_options::overwrite_existing, ec);
    if (ec) {
      fs::remove_all(target, ec);
      return Error::internal("cannot place snapshot data: " + ec.message());
    }
    auto opened =
        Collection::open(target.string(), schema_from_config(config), config, collection_log(name));
    if (!opened.ok()) {
      fs::remove_all(target, ec);
      return Error::bad_request("snapshot data cannot be opened: " + opened.error().message);
    }
    Status st = record_in_catalog(name, catalog_entry(new_dir, config));
    if (!st.ok()) {
      opened.value()->close();
      fs::remove_all(target, ec);
      return st;
    }
    if (auto it = collections_.find(name); it != collections_.end()) replaced = it->second;
    if (unopenable_.erase(name) > 0) {
      if (auto old = collection_dirs_.find(name); old != collection_dirs_.end())
        fs::remove_all(fs::path(path_) / "collections" / old->second, ec);
    }
    collections_[name] = opened.value();
    collection_dirs_[name] = new_dir;
  }
  if (replaced) {
    replaced->close();
    std::error_code ec;
    fs::remove_all(replaced->directory(), ec);
  }
  return {};
}

std::string Storage::catalog_entry(const std::string& dir, const CollectionConfig& config) const {
  boost::system::error_code ec;
  boost::json::value encoded = boost::json::parse(codec_->encode(config), ec);
  return boost::json::serialize(boost::json::object{{"dir", dir}, {"config", std::move(encoded)}});
}

std::vector<std::pair<std::string, std::string>> Storage::aliases() const {
  std::shared_lock lock(mutex_);
  return {aliases_.begin(), aliases_.end()};
}

}  // namespace sextant::storage
