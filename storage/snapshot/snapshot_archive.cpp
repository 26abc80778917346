// Snapshot creation and recovery; see snapshot_archive.hpp for the format and invariants.
#include "storage/snapshot/snapshot_archive.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/disk_space.hpp"

namespace sextant::storage::snapshot {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr const char* kFormatName = "sextant-snapshot";
constexpr const char* kManifestMember = "manifest.json";
constexpr const char* kDataMember = "data.mdb";
constexpr uint64_t kMaxManifestBytes = 64ull << 20;

json::object manifest_base(const char* kind) {
  return json::object{{"format", kFormatName},
                      {"format_version", kSnapshotFormatVersion},
                      {"kind", kind},
                      {"sextant_version", SEXTANT_VERSION}};
}

// Writes the archive built by `add_members` to `directory/name` (via a `.partial` file), with
// its checksum file, and describes it.
template <typename AddMembers>
Result<SnapshotDescription> write_snapshot(const std::string& directory, const std::string& name,
                                           AddMembers add_members) {
  if (auto st = ensure_directory(directory); !st.ok()) return st.error();
  const std::string final_path = (fs::path(directory) / name).string();
  const std::string partial_path = final_path + ".partial";
  Sha256Sink hash;
  {
    auto writer = TarWriter::create(partial_path, &hash);
    if (!writer.ok()) return writer.error();
    Status st = add_members(*writer.value());
    if (st.ok()) st = writer.value()->finish();
    if (!st.ok()) {
      std::error_code ec;
      fs::remove(partial_path, ec);
      return st.error();
    }
  }
  if (auto st = write_checksum_file(final_path, hash.hex_digest()); !st.ok()) return st.error();
  std::error_code ec;
  fs::rename(partial_path, final_path, ec);
  if (ec) return Error::internal("cannot place snapshot " + final_path + ": " + ec.message());
  return describe_snapshot(directory, name);
}

// Reads and checks a manifest of the given kind ("collection" or "full").
Result<json::object> read_manifest(const std::string& path, std::string_view expected_kind) {
  std::error_code ec;
  auto size_bytes = fs::file_size(path, ec);
  if (ec || size_bytes > kMaxManifestBytes)
    return Error::bad_request("Invalid snapshot archive: manifest is missing or too large");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  json::error_code parse_error;
  json::value manifest = json::parse(text.str(), parse_error);
  if (parse_error || !manifest.is_object())
    return Error::bad_request("Invalid snapshot archive: manifest is not a JSON object");
  auto& object = manifest.get_object();
  auto format = object.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != kFormatName)
    return Error::bad_request("Invalid snapshot archive: not a Sextant snapshot");
  auto version = object.if_contains("format_version");
  if (!version || !version->is_int64() || version->get_int64() < 1 ||
      version->get_int64() > kSnapshotFormatVersion)
    return Error::bad_request(
        "Snapshot format version is not supported by this Sextant "
        "(supported: " +
        std::to_string(kSnapshotFormatVersion) + ")");
  auto kind = object.if_contains("kind");
  if (!kind || !kind->is_string() || kind->get_string() != expected_kind)
    return Error::bad_request(expected_kind == "full"
                                  ? "Invalid snapshot archive: not a full-storage snapshot"
                                  : "Invalid snapshot archive: not a collection snapshot");
  return std::move(object);
}

const json::object* config_of(const json::object& entry) {
  auto config = entry.if_contains("config");
  return config && config->is_object() ? &config->get_object() : nullptr;
}

const json::value* vectors_of(const json::object& config) {
  auto params = config.if_contains("params");
  return params && params->is_object() ? params->get_object().if_contains("vectors") : nullptr;
}

// Qdrant refuses to replace a collection with a snapshot of different vector parameters.
Status check_compatible(Storage& storage, const std::string& collection,
                        const json::object& snapshot_config) {
  auto existing = storage.collection(collection);
  if (!existing.ok()) return {};
  boost::system::error_code ec;
  const json::value current =
      json::parse(storage.config_codec().encode(existing.value()->config()), ec);
  if (ec || !current.is_object()) return {};
  const json::value* current_vectors = vectors_of(current.get_object());
  const json::value* snapshot_vectors = vectors_of(snapshot_config);
  if (current_vectors && snapshot_vectors && *current_vectors != *snapshot_vectors)
    return Error::bad_input(
        "Snapshot is not compatible with existing collection: Collection vectors: " +
        json::serialize(*current_vectors) +
        " Snapshot Vectors: " + json::serialize(*snapshot_vectors));
  return {};
}

// Free space a snapshot operation needs, checked up front: `bytes` on the filesystem of each
// path, summed where two paths share a filesystem.
Status require_space(const std::vector<std::pair<std::string, uint64_t>>& needs,
                     std::string_view operation) {
  std::vector<std::pair<std::string, uint64_t>> per_filesystem;
  std::vector<dev_t> devices;
  for (const auto& [path, bytes] : needs) {
    fs::path probe = path;
    std::error_code ec;
    while (!fs::exists(probe, ec) && probe.has_parent_path() && probe.parent_path() != probe)
      probe = probe.parent_path();
    struct stat info {};
    const dev_t device = ::stat(probe.c_str(), &info) == 0 ? info.st_dev : dev_t(-1);
    auto it = std::find(devices.begin(), devices.end(), device);
    if (it == devices.end()) {
      devices.push_back(device);
      per_filesystem.emplace_back(path, bytes);
    } else {
      per_filesystem[size_t(it - devices.begin())].second += bytes;
    }
  }
  for (const auto& [path, bytes] : per_filesystem)
    if (auto st = require_free_space(path, bytes, operation); !st.ok()) return st;
  return {};
}

// The bytes a collection's committed pages take (its export is at most this large).
uint64_t collection_data_bytes(Storage& storage, const std::string& name) {
  auto collection = storage.collection(name);
  return collection.ok() ? collection.value()->env().usage().used_bytes : 0;
}

uint64_t file_bytes(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

std::string collection_snapshots_directory(const std::string& snapshots_path,
                                           const std::string& collection) {
  return (fs::path(snapshots_path) / collection).string();
}

namespace {

// A collection's archive: its exported data, narrowed by `narrow` (given the directory holding
// the copy) before it is archived, under `directory/name` with `manifest_extra` in the manifest.
Result<SnapshotDescription> archive_collection(
    Storage& storage, const std::string& snapshots_path, const std::string& collection,
    const std::string& directory, const std::string& name, const json::object& manifest_extra,
    const std::function<Status(const std::string&)>& narrow) {
  // The copy of data.mdb and the archive holding it.
  if (auto st = require_space({{snapshots_path, 2 * collection_data_bytes(storage, collection)}},
                              "creating a snapshot");
      !st.ok())
    return st.error();
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) return scratch.error();
  auto config = storage.export_collection(collection, scratch->path());
  if (!config.ok()) return config.error();
  if (narrow)
    if (auto st = narrow(scratch->path()); !st.ok()) return st.error();
  json::object manifest = manifest_base("collection");
  manifest["collection"] = collection;
  manifest["config"] = json::parse(config.value());
  for (const auto& [key, value] : manifest_extra) manifest[key] = value;
  const std::string data_path = (fs::path(scratch->path()) / kDataMember).string();
  return write_snapshot(directory, name, [&](TarWriter& writer) {
    Status st = writer.add_bytes(kManifestMember, json::serialize(manifest));
    if (st.ok()) st = writer.add_file(kDataMember, data_path);
    return st;
  });
}

}  // namespace

Result<SnapshotDescription> create_collection_snapshot(Storage& storage,
                                                       const std::string& snapshots_path,
                                                       const std::string& collection) {
  auto resolved = storage.resolve(collection);
  if (!resolved) return Error::collection_not_found(collection);
  const std::string name = *resolved + "-" + std::to_string(snapshot_peer_id(snapshots_path)) +
                           "-" + snapshot_name_timestamp() + ".snapshot";
  return archive_collection(storage, snapshots_path, *resolved,
                            collection_snapshots_directory(snapshots_path, *resolved), name, {},
                            nullptr);
}

std::string shard_snapshots_directory(const std::string& snapshots_path,
                                      const std::string& collection, uint32_t shard_id) {
  return (fs::path(collection_snapshots_directory(snapshots_path, collection)) / "shards" /
          std::to_string(shard_id))
      .string();
}

Result<SnapshotDescription> create_shard_snapshot(Storage& storage,
                                                  const std::string& snapshots_path,
                                                  const std::string& collection, uint32_t shard_id,
                                                  const ShardDataFilter& keep_only_shard) {
  auto resolved = storage.resolve(collection);
  if (!resolved) return Error::collection_not_found(collection);
  const std::string name = *resolved + "-shard-" + std::to_string(shard_id) + "-" +
                           snapshot_name_timestamp() + ".snapshot";
  return archive_collection(storage, snapshots_path, *resolved,
                            shard_snapshots_directory(snapshots_path, *resolved, shard_id), name,
                            json::object{{"shard_id", shard_id}}, keep_only_shard);
}

Result<SnapshotDescription> create_full_snapshot(Storage& storage,
                                                 const std::string& snapshots_path) {
  uint64_t needed = 0;
  for (const auto& name : storage.collection_names())
    needed += 2 * collection_data_bytes(storage, name);
  if (auto st = require_space({{snapshots_path, needed}}, "creating a snapshot"); !st.ok())
    return st.error();
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) return scratch.error();
  json::object manifest = manifest_base("full");
  json::array collections;
  std::vector<std::pair<std::string, std::string>> members;  // member name -> file
  size_t index = 0;
  for (const auto& name : storage.collection_names()) {
    const fs::path directory = fs::path(scratch->path()) / std::to_string(index);
    if (auto st = ensure_directory(directory.string()); !st.ok()) return st.error();
    auto config = storage.export_collection(name, directory.string());
    if (!config.ok()) {
      if (config.error().kind == ErrorKind::kNotFound) continue;  // deleted meanwhile
      return config.error();
    }
    const std::string member = "collections/" + std::to_string(index) + "/" + kDataMember;
    collections.push_back(
        json::object{{"name", name}, {"config", json::parse(config.value())}, {"data", member}});
    members.emplace_back(member, (directory / kDataMember).string());
    ++index;
  }
  json::array aliases;
  for (const auto& [alias, collection] : storage.aliases())
    aliases.push_back(json::object{{"alias_name", alias}, {"collection_name", collection}});
  manifest["collections"] = std::move(collections);
  manifest["aliases"] = std::move(aliases);
  const std::string name = "full-snapshot-" + snapshot_name_timestamp() + ".snapshot";
  return write_snapshot(snapshots_path, name, [&](TarWriter& writer) {
    Status st = writer.add_bytes(kManifestMember, json::serialize(manifest));
    for (const auto& [member, file] : members) {
      if (!st.ok()) break;
      st = writer.add_file(member, file);
    }
    return st;
  });
}

Result<UnpackedCollectionSnapshot> unpack_collection_snapshot(
    Storage& storage, const std::string& snapshots_path, const std::string& archive_path,
    const std::string& collection, const std::optional<std::string>& expected_checksum) {
  if (expected_checksum) {
    auto actual = sha256_file(archive_path);
    if (!actual.ok()) return actual.error();
    if (!checksums_equal(actual.value(), *expected_checksum))
      return Error::bad_input("Snapshot checksum mismatch: expected " + *expected_checksum +
                              ", got " + actual.value());
  }
  // The extracted data.mdb, and its copy placed in storage.
  const uint64_t archive_bytes = file_bytes(archive_path);
  if (auto st = require_space({{snapshots_path, archive_bytes}, {storage.path(), archive_bytes}},
                              "recovering a snapshot");
      !st.ok())
    return st.error();
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) return scratch.error();
  const std::string manifest_path = (fs::path(scratch->path()) / kManifestMember).string();
  const std::string data_path = (fs::path(scratch->path()) / kDataMember).string();
  if (auto st = extract_members(archive_path,
                                {{kManifestMember, manifest_path}, {kDataMember, data_path}});
      !st.ok())
    return st.error();
  auto manifest = read_manifest(manifest_path, "collection");
  if (!manifest.ok()) return manifest.error();
  const json::object* config = config_of(manifest.value());
  if (!config)
    return Error::bad_request("Invalid snapshot archive: manifest has no collection config");
  if (auto st = check_compatible(storage, collection, *config); !st.ok()) return st.error();
  return UnpackedCollectionSnapshot{std::move(scratch.value()), json::serialize(*config)};
}

Status recover_collection(Storage& storage, const std::string& snapshots_path,
                          const std::string& archive_path, const std::string& collection,
                          const std::optional<std::string>& expected_checksum) {
  auto unpacked = unpack_collection_snapshot(storage, snapshots_path, archive_path, collection,
                                             expected_checksum);
  if (!unpacked.ok()) return unpacked.error();
  return storage.import_collection(collection, unpacked->scratch.path(), unpacked->config_json);
}

namespace {

struct FullSnapshotCollection {
  std::string name;
  const json::object* config = nullptr;  // points into the manifest
  std::string member;                    // its data.mdb inside the archive
};

// The collections a full-storage manifest lists, each checked before anything is restored.
Result<std::vector<FullSnapshotCollection>> manifest_collections(const json::object& manifest) {
  auto invalid = [](const std::string& what) {
    return Error::bad_request("Invalid snapshot archive: " + what);
  };
  auto list = manifest.if_contains("collections");
  if (!list || !list->is_array()) return invalid("manifest has no collection list");
  std::vector<FullSnapshotCollection> collections;
  for (const auto& entry : list->get_array()) {
    const json::object* object = entry.if_object();
    const json::value* name = object ? object->if_contains("name") : nullptr;
    const json::value* member = object ? object->if_contains("data") : nullptr;
    const json::object* config = object ? config_of(*object) : nullptr;
    if (!name || !name->is_string() || !member || !member->is_string() || !config)
      return invalid("manifest lists a collection without name, data or config");
    collections.push_back(
        {std::string(name->get_string()), config, std::string(member->get_string())});
  }
  return collections;
}

std::vector<std::pair<std::string, std::string>> manifest_aliases(const json::object& manifest) {
  std::vector<std::pair<std::string, std::string>> aliases;
  auto list = manifest.if_contains("aliases");
  if (!list || !list->is_array()) return aliases;
  for (const auto& entry : list->get_array()) {
    const json::object* object = entry.if_object();
    const json::value* alias = object ? object->if_contains("alias_name") : nullptr;
    const json::value* collection = object ? object->if_contains("collection_name") : nullptr;
    if (alias && alias->is_string() && collection && collection->is_string())
      aliases.emplace_back(std::string(alias->get_string()), std::string(collection->get_string()));
  }
  return aliases;
}

// Qdrant's start-up rule: what exists is replaced only with --force-snapshot.
Status check_nothing_overwritten(const Storage& storage,
                                 const std::vector<FullSnapshotCollection>& collections,
                                 const std::vector<std::pair<std::string, std::string>>& aliases) {
  const auto existing = storage.collection_names();
  for (const auto& collection : collections)
    if (std::find(existing.begin(), existing.end(), collection.name) != existing.end())
      return Error{ErrorKind::kAlreadyExists,
                   "Collection " + collection.name +
                       " already exists. Use --force-snapshot to overwrite it."};
  const auto existing_aliases = storage.aliases();
  for (const auto& [alias, unused] : aliases)
    for (const auto& [existing_alias, target] : existing_aliases)
      if (alias == existing_alias)
        return Error{ErrorKind::kAlreadyExists,
                     "Alias " + alias + " already exists. Use --force-snapshot to overwrite it."};
  return {};
}

}  // namespace

Status recover_full_snapshot(Storage& storage, const std::string& snapshots_path,
                             const std::string& archive_path, bool force) {
  const uint64_t archive_bytes = file_bytes(archive_path);
  if (auto st = require_space({{snapshots_path, archive_bytes}, {storage.path(), archive_bytes}},
                              "recovering a snapshot");
      !st.ok())
    return st;
  auto scratch = ScratchDirectory::create(snapshots_path);
  if (!scratch.ok()) return scratch.error();
  const fs::path work(scratch->path());
  const std::string manifest_path = (work / kManifestMember).string();
  if (auto st =
          extract_members(archive_path, {{kManifestMember, manifest_path}}, UnlistedMembers::kSkip);
      !st.ok())
    return st;
  auto manifest = read_manifest(manifest_path, "full");
  if (!manifest.ok()) return manifest.error();
  auto collections = manifest_collections(manifest.value());
  if (!collections.ok()) return collections.error();
  const auto aliases = manifest_aliases(manifest.value());
  if (!force) {
    if (auto st = check_nothing_overwritten(storage, collections.value(), aliases); !st.ok())
      return st;
  }

  // Every member named, so the extraction still refuses anything the manifest does not list
  // (the manifest, already read, is extracted again beside the first copy).
  MemberDestinations destinations{{kManifestMember, (work / "manifest.again.json").string()}};
  for (size_t index = 0; index < collections->size(); ++index) {
    const fs::path directory = work / std::to_string(index);
    if (auto st = ensure_directory(directory.string()); !st.ok()) return st;
    destinations[(*collections)[index].member] = (directory / kDataMember).string();
  }
  if (auto st = extract_members(archive_path, destinations); !st.ok()) return st;
  for (size_t index = 0; index < collections->size(); ++index) {
    const auto& collection = (*collections)[index];
    const std::string directory = (work / std::to_string(index)).string();
    if (auto st = storage.import_collection(collection.name, directory,
                                            json::serialize(*collection.config));
        !st.ok())
      return Error{st.error().kind,
                   "Failed to recover snapshot " + collection.name + ": " + st.error().message};
  }
  std::vector<AliasAction> actions;
  for (const auto& [alias, collection] : aliases)
    actions.push_back({AliasAction::Kind::kCreate, collection, alias, ""});
  if (actions.empty()) return {};
  return storage.update_aliases(actions);
}

}  // namespace sextant::storage::snapshot
