// Start-up snapshot restores (--snapshot, --storage-snapshot) on an opened Api's storage, checked
// through the REST routes (no sockets): restored collections answer searches exactly as before,
// and what exists is replaced only with --force-snapshot.
#include "server/snapshot_startup.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "tests/support/api_routes_fixture.hpp"

namespace sextant::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using api::Api;
using api::ApiConfig;
using api::HttpMethod;
using api::Request;
using api::Response;
using api::Router;

class SnapshotStartup : public test_support::ApiRoutesFixture {
 protected:
  // The server's start-up restores, on `api`'s storage; false with the reason in `error`.
  static bool restore_snapshot(Api& api, const ApiConfig& config, const std::string& path,
                               const std::string& collection, bool force, std::string* error) {
    *error =
        restore_collection_snapshot(api.storage(), config.snapshots_path, path, collection, force);
    return error->empty();
  }
  static bool restore_storage_snapshot(Api& api, const ApiConfig& config, const std::string& path,
                                       bool force, std::string* error) {
    *error = restore_full_storage_snapshot(api.storage(), config.snapshots_path, path, force);
    return error->empty();
  }
};

// --snapshot: a collection snapshot restores under a new name; an existing collection is
// replaced only with --force-snapshot.
TEST_F(SnapshotStartup, CollectionSnapshotRestoresAtStartup) {
  make_collection();
  const json::value before = search();
  const std::string name = create_snapshot();
  const std::string copy = (root_ / "copy.snapshot").string();
  fs::copy_file(snapshot_path(name), copy);
  std::string error;
  EXPECT_FALSE(restore_snapshot(*api_, config_, copy, "c", /*force=*/false, &error));
  EXPECT_NE(error.find("--force-snapshot"), std::string::npos);
  EXPECT_TRUE(restore_snapshot(*api_, config_, copy, "restored", false, &error)) << error;
  json::value restored = result_of(call(HttpMethod::kPost, "/collections/restored/points/search",
                                        R"({"vector": [1, 2, 1, 0], "limit": 10,
                                            "with_payload": true, "with_vector": true,
                                            "filter": {"must": [{"key": "city",
                                                       "match": {"value": "Paris"}}]}})"));
  EXPECT_EQ(restored, before);
}

// --storage-snapshot: every collection and alias comes back; what exists is replaced only
// with --force-snapshot, and without it nothing at all is changed.
TEST_F(SnapshotStartup, StorageSnapshotRestoresCollectionsAndAliasesAtStartup) {
  make_collection();
  ASSERT_EQ(call(HttpMethod::kPost, "/collections/aliases",
                 R"({"actions": [{"create_alias": {"collection_name": "c", "alias_name": "a"}}]})")
                .status,
            200);
  ASSERT_EQ(
      call(HttpMethod::kPut, "/collections/d", R"({"vectors": {"size": 2, "distance": "Dot"}})")
          .status,
      200);
  const json::value before = search();
  auto created = result_of(call(HttpMethod::kPost, "/snapshots"));
  const fs::path full = root_ / "full.snapshot";
  fs::copy_file(root_ / "snapshots" / std::string(created.at("name").as_string()), full);

  // Into an empty storage.
  ApiConfig fresh_config = config_;
  fresh_config.storage_path = (root_ / "storage2").string();
  fresh_config.snapshots_path = (root_ / "snapshots2").string();
  std::string error;
  auto fresh = Api::open(fresh_config, &error);
  ASSERT_TRUE(fresh) << error;
  ASSERT_TRUE(
      restore_storage_snapshot(*fresh, fresh_config, full.string(), /*force=*/false, &error))
      << error;
  Router fresh_router;
  fresh->register_routes(fresh_router);
  auto aliases = fresh_router.match(HttpMethod::kGet, "/aliases");
  Request list_aliases;
  list_aliases.method = HttpMethod::kGet;
  list_aliases.path = "/aliases";
  Response listed = aliases.route->handler(list_aliases);
  EXPECT_NE(listed.body.find(R"({"alias_name":"a","collection_name":"c"})"), std::string::npos)
      << listed.body;
  auto collections = fresh_router.match(HttpMethod::kGet, "/collections");
  Request list_collections;
  list_collections.path = "/collections";
  Response names = collections.route->handler(list_collections);
  EXPECT_NE(names.body.find(R"("name":"c")"), std::string::npos) << names.body;
  EXPECT_NE(names.body.find(R"("name":"d")"), std::string::npos) << names.body;
  fresh->shutdown();

  // Over existing collections: refused without force, nothing touched.
  ASSERT_EQ(call(HttpMethod::kPost, "/collections/c/points/delete", R"({"points": [2, 4, 6]})",
                 {{"wait", "true"}})
                .status,
            200);
  const json::value modified = search();
  ASSERT_NE(modified, before);
  EXPECT_FALSE(restore_storage_snapshot(*api_, config_, full.string(), false, &error));
  EXPECT_EQ(error, "Collection c already exists. Use --force-snapshot to overwrite it.");
  EXPECT_EQ(search(), modified);
  EXPECT_TRUE(restore_storage_snapshot(*api_, config_, full.string(), /*force=*/true, &error))
      << error;
  EXPECT_EQ(search(), before);

  // Not a full-storage snapshot, or no file at all.
  const std::string collection_snapshot = snapshot_path(create_snapshot());
  EXPECT_FALSE(restore_storage_snapshot(*api_, config_, collection_snapshot, true, &error));
  EXPECT_NE(error.find("not a full-storage snapshot"), std::string::npos) << error;
  EXPECT_FALSE(restore_storage_snapshot(*api_, config_, (root_ / "none").string(), true, &error));
  EXPECT_NE(error.find("does not exist"), std::string::npos) << error;
}

}  // namespace
}  // namespace sextant::server
