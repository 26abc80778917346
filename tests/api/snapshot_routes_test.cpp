// Snapshot routes end to end through the router (no sockets): a snapshot recovered after the
// collection was deleted answers searches exactly as before; bad recoveries change nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api.hpp"
#include "api/router.hpp"
#include "tests/support/api_routes_fixture.hpp"

namespace sextant::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using SnapshotRoutes = test_support::ApiRoutesFixture;

TEST_F(SnapshotRoutes, CreateListDownloadDeleteRecoverReproducesTheCollection) {
  make_collection();
  const json::value before = search();
  const json::value info_before = collection_info();
  ASSERT_EQ(before.as_array().size(), 10u);

  const std::string name = create_snapshot();
  EXPECT_EQ(name.rfind("c-", 0), 0u);
  EXPECT_EQ(name.substr(name.size() - 9), ".snapshot");

  auto listed = result_of(call(HttpMethod::kGet, "/collections/c/snapshots")).as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("name").as_string(), name);
  EXPECT_EQ(listed[0].at("size").to_number<uint64_t>(), fs::file_size(snapshot_path(name)));
  EXPECT_EQ(listed[0].at("checksum").as_string(), read_file(snapshot_path(name) + ".checksum"));

  Response download = call(HttpMethod::kGet, "/collections/c/snapshots/" + name);
  ASSERT_TRUE(download.file_path.has_value());
  EXPECT_EQ(download.content_type, "application/octet-stream");
  EXPECT_EQ(fs::path(*download.file_path), fs::canonical(snapshot_path(name)));

  ASSERT_EQ(call(HttpMethod::kDelete, "/collections/c").status, 200);
  std::string recover = R"({"location": "file://)" + snapshot_path(name) + R"(", "checksum": ")" +
                        std::string(listed[0].at("checksum").as_string()) +
                        R"(", "priority": "snapshot"})";
  EXPECT_EQ(call(HttpMethod::kPut, "/collections/c/snapshots/recover", recover).status, 200);
  EXPECT_EQ(search(), before);
  EXPECT_EQ(collection_info(), info_before);

  // Deleting the snapshot removes it and its checksum file.
  EXPECT_EQ(call(HttpMethod::kDelete, "/collections/c/snapshots/" + name).status, 200);
  EXPECT_FALSE(fs::exists(snapshot_path(name)));
  EXPECT_FALSE(fs::exists(snapshot_path(name) + ".checksum"));
  EXPECT_EQ(call(HttpMethod::kDelete, "/collections/c/snapshots/" + name).status, 404);
}

TEST_F(SnapshotRoutes, RawUploadRecoversAndWrongChecksumChangesNothing) {
  make_collection();
  const json::value before = search();
  const std::string name = create_snapshot();
  const std::string bytes = read_file(snapshot_path(name));
  ASSERT_EQ(call(HttpMethod::kPost, "/collections/c/points/delete", R"({"points": [2, 4, 6]})",
                 {{"wait", "true"}})
                .status,
            200);
  ASSERT_NE(search(), before);

  Response wrong = call(HttpMethod::kPut, "/collections/c/snapshots/upload", bytes,
                        {{"checksum", std::string(64, '0')}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("{\"error\":\"Checksum mismatch: expected "), std::string::npos)
      << wrong.body;
  EXPECT_NE(search(), before);  // the deletions are still there: nothing was replaced

  Response uploaded =
      call(HttpMethod::kPost, "/collections/c/snapshots/upload", bytes, {{"priority", "snapshot"}});
  EXPECT_EQ(uploaded.status, 200) << uploaded.body;
  EXPECT_EQ(search(), before);
}

TEST_F(SnapshotRoutes, CorruptOrForeignSnapshotsLeaveTheCollectionIntact) {
  make_collection();
  const json::value before = search();
  const std::string name = create_snapshot();
  std::string bytes = read_file(snapshot_path(name));

  std::string truncated = bytes.substr(0, bytes.size() / 2);
  Response cut = call(HttpMethod::kPut, "/collections/c/snapshots/upload", truncated);
  EXPECT_EQ(cut.status, 400) << cut.body;
  EXPECT_EQ(search(), before);

  Response garbage =
      call(HttpMethod::kPut, "/collections/c/snapshots/upload", std::string(4096, 'x'));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(search(), before);

  std::ofstream(root_ / "elsewhere.snapshot") << bytes;
  Response outside =
      call(HttpMethod::kPut, "/collections/c/snapshots/recover",
           R"({"location": "file://)" + (root_ / "elsewhere.snapshot").string() + R"("})");
  EXPECT_EQ(outside.status, 403) << outside.body;

  Response escaping = call(
      HttpMethod::kPut, "/collections/c/snapshots/recover",
      R"({"location": "file://)" + (root_ / "snapshots").string() + R"(/../elsewhere.snapshot"})");
  EXPECT_EQ(escaping.status, 403) << escaping.body;

  EXPECT_EQ(call(HttpMethod::kGet, "/collections/c/snapshots/..%2F..%2Fetc").status, 404);
  EXPECT_EQ(call(HttpMethod::kGet, "/collections/c/snapshots/missing.snapshot").status, 404);
  EXPECT_EQ(search(), before);
}

TEST_F(SnapshotRoutes, RecoveryRefusesADifferentVectorConfigAndBadPriority) {
  make_collection();
  const std::string name = create_snapshot();
  ASSERT_EQ(call(HttpMethod::kDelete, "/collections/c").status, 200);
  ASSERT_EQ(
      call(HttpMethod::kPut, "/collections/c", R"({"vectors": {"size": 8, "distance": "Dot"}})")
          .status,
      200);
  Response refused = call(HttpMethod::kPut, "/collections/c/snapshots/recover",
                          R"({"location": "file://)" + snapshot_path(name) + R"("})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("Snapshot is not compatible with existing collection"),
            std::string::npos);

  Response priority =
      call(HttpMethod::kPut, "/collections/c/snapshots/recover",
           R"({"location": "file://)" + snapshot_path(name) + R"(", "priority": "urgent"})");
  EXPECT_EQ(priority.status, 400);
  EXPECT_NE(priority.body.find("unknown variant `urgent`"), std::string::npos);
}

TEST_F(SnapshotRoutes, FullSnapshotsAreListedDownloadedAndDeleted) {
  make_collection();
  auto created = result_of(call(HttpMethod::kPost, "/snapshots"));
  const std::string full_name(created.at("name").as_string());
  EXPECT_EQ(full_name.rfind("full-snapshot-", 0), 0u);
  auto listed = result_of(call(HttpMethod::kGet, "/snapshots")).as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(call(HttpMethod::kGet, "/snapshots/" + full_name).file_path.has_value());
  EXPECT_EQ(call(HttpMethod::kDelete, "/snapshots/" + full_name).status, 200);
  EXPECT_TRUE(result_of(call(HttpMethod::kGet, "/snapshots")).as_array().empty());

  // wait=false answers 202 "accepted".
  Response accepted = call(HttpMethod::kPost, "/collections/c/snapshots", "", {{"wait", "false"}});
  EXPECT_EQ(accepted.status, 202);
  EXPECT_EQ(json::parse(accepted.body).at("status").as_string(), "accepted");
}

TEST_F(SnapshotRoutes, StartupDropsScratchWorkOfAnInterruptedRun) {
  make_collection();
  const std::string name = create_snapshot();
  const fs::path stale = root_ / "snapshots" / ".tmp" / "work-1234";
  fs::create_directories(stale);
  std::ofstream(stale / "data.mdb") << "half-written";
  Router fresh;
  api_->register_routes(fresh);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(snapshot_path(name)));  // finished snapshots stay
}

}  // namespace
}  // namespace sextant::api
