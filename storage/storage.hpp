// The storage engine: every collection under storage_path, and the aliases that name them.
//
// On disk:
//   <storage_path>/catalog/       LMDB: collections (name -> {dir, config}), aliases, meta;
//                                 `config` as the injected CollectionConfigCodec encodes it
//   <storage_path>/collections/N/ one LMDB environment per collection (see point_layout.hpp)
//   <storage_path>/.lock          held (flock) while a server uses the directory
//
// Invariants:
// - The catalog is the truth: a collection exists once its catalog entry is committed; a
//   collection directory with no entry (a crash mid-create or mid-delete) is removed at open.
// - A directory holding another engine's data (collections/, aliases/, raft_state.json) but no
//   catalog is refused, as is a catalog of a newer format; neither is ever modified.
// - Alias changes of one request commit in one transaction.
// - A collection whose catalog entry or configuration does not decode, or whose environment
//   cannot be opened (LMDB's MDB_INVALID / MDB_CORRUPTED / MDB_PAGE_NOTFOUND, a failing scan),
//   never fails open(): it is reported through the log sink, kept in `unopenable_` with the
//   reason, and every request naming it (or an alias of it) gets that reason as an error; its
//   directory is left as it is. The other collections serve. Deleting it, or recovering a
//   snapshot over it, is what clears it.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "storage/collection.hpp"
#include "storage/collection_config_codec.hpp"
#include "storage/lmdb.hpp"
#include "storage/storage_log.hpp"
#include "storage/vector_names.hpp"

namespace sextant::storage {

struct AliasAction {
  enum class Kind { kCreate, kDelete, kRename } kind;
  std::string collection_name;  // create
  std::string alias_name;       // create, delete; rename: old name
  std::string new_alias_name;   // rename
};

class Storage {
 public:
  // `codec` writes and reads collection configurations in the catalog and in exports; `log`
  // receives a line for each stored state found damaged and repaired (storage_log.hpp).
  static Result<std::unique_ptr<Storage>> open(const std::string& storage_path,
                                               std::shared_ptr<const CollectionConfigCodec> codec,
                                               LogSink log = {});
  ~Storage();

  // The codec given to open(): what the catalog and exports hold a configuration as (snapshots
  // compare a manifest's configuration with a collection's in that encoding).
  const CollectionConfigCodec& config_codec() const { return *codec_; }

  // Resolves a collection name or alias.
  Result<std::shared_ptr<Collection>> collection(const std::string& name_or_alias) const;
  std::optional<std::string> resolve(const std::string& name_or_alias) const;
  // The collections that serve (not those that could not be opened).
  std::vector<std::string> collection_names() const;
  // Collections found at open that could not be opened: name -> the reason.
  std::map<std::string, std::string> unopenable_collections() const;

  Status create_collection(const std::string& name, const CollectionConfig& config);
  // Returns false when there was no such collection.
  Result<bool> delete_collection(const std::string& name);
  // Persists and reports `config` at once; the collection acts on it when next opened.
  Status update_collection_config(const std::string& name, const CollectionConfig& config);

  Status update_aliases(const std::vector<AliasAction>& actions);

  // Named vector add/delete (storage/vector_names.hpp for the rules). A change that alters the
  // configuration moves the collection to a new directory: its writes are stopped, its
  // environment copied, the copy changed and opened with the new configuration, and the catalog
  // switched to it in one transaction; the old directory is then removed. Requests that hold
  // the old collection meanwhile get its closed state; new ones wait for the switch.
  Status create_vector_name(const std::string& name_or_alias, const NewVectorName& vector);
  Status delete_vector_name(const std::string& name_or_alias, const std::string& vector_name);

  // Snapshots. export_collection writes a consistent copy of the collection's LMDB environment
  // (data.mdb, taken in one read transaction while writes go on) into `directory` and returns
  // the collection's configuration as the codec encodes it.
  Result<std::string> export_collection(const std::string& name_or_alias,
                                        const std::string& directory) const;
  // Replaces (or creates) collection `name` with the environment in `directory` (a data.mdb as
  // export_collection wrote it) and the configuration `encoded_config` (as the codec encodes
  // it). The new collection is opened and checked before the catalog switches to it; on any
  // failure the old one stays as it was.
  Status import_collection(const std::string& name, const std::string& directory,
                           std::string_view encoded_config);
  // alias -> collection, sorted by alias.
  std::vector<std::pair<std::string, std::string>> aliases() const;

  const std::string& path() const { return path_; }
  void close();

 private:
  Storage() = default;
  Status load();
  // The catalog entry of a collection in directory `dir`: {"dir": dir, "config": <encoded>}.
  std::string catalog_entry(const std::string& dir, const CollectionConfig& config) const;
  // The log sink of collection `name`: lines prefixed with the collection's name.
  LogSink collection_log(const std::string& name) const;
  // Opens the collection of one catalog entry at start-up (`entry_text` as stored).
  Result<std::shared_ptr<Collection>> open_catalog_entry(const std::string& name,
                                                         std::string_view entry_text,
                                                         std::string& dir) const;
  // Moves collection `name` to `config` (see create_vector_name); `removed`: the vector whose
  // stored data goes. mutex_ held.
  Status reopen_with_config(const std::string& name, const CollectionConfig& config,
                            const std::optional<RemovedVector>& removed);
  // A write transaction on the catalog. The catalog is repaired first when the last write found
  // its map full (the map grows) or LMDB refuses it after a failed write (it is reopened).
  // mutex_ held exclusively, so no other catalog transaction is open.
  Result<lmdb::Txn> begin_catalog_write();
  // Writes collection `name`'s catalog entry and the next directory number in one catalog
  // transaction. mutex_ held exclusively.
  Status record_in_catalog(const std::string& name, const std::string& entry_text);
  // The error requests to unopenable collection `name` get. mutex_ held.
  Error unopenable_error(const std::string& name) const;

  std::string path_;
  std::shared_ptr<const CollectionConfigCodec> codec_;
  LogSink log_;
  int lock_fd_ = -1;
  std::unique_ptr<lmdb::Env> catalog_;
  MDB_dbi collections_db_ = 0, aliases_db_ = 0, meta_db_ = 0;

  mutable std::shared_mutex mutex_;  // guards the maps below; writers also serialise catalog txns
  std::map<std::string, std::shared_ptr<Collection>> collections_;
  std::map<std::string, std::string> collection_dirs_;  // serving and unopenable ones
  std::map<std::string, std::string> unopenable_;       // name -> why it could not be opened
  std::map<std::string, std::string> aliases_;
  uint64_t next_directory_number_ = 0;
};

}  // namespace sextant::storage
