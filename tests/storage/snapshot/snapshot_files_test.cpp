// Snapshot names and recover locations stay inside the snapshots directory; listings describe
// what is on disk.
#include "storage/snapshot/snapshot_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sextant::storage::snapshot {
namespace {

namespace fs = std::filesystem;

class SnapshotFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sextant-snapfiles-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "snapshots" / "c");
    fs::create_directories(root_ / "outside");
    std::ofstream(root_ / "snapshots" / "c" / "c-1-2024.snapshot") << "archive";
    std::ofstream(root_ / "outside" / "secret.snapshot") << "secret";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string snapshots() const { return (root_ / "snapshots").string(); }
  std::string collection_dir() const { return (root_ / "snapshots" / "c").string(); }
  fs::path root_;
};

TEST_F(SnapshotFiles, ResolvesOnlyPlainNamesInsideTheDirectory) {
  auto found = resolve_snapshot_file(collection_dir(), "c-1-2024.snapshot");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(fs::path(found.value()),
            fs::canonical(root_ / "snapshots" / "c" / "c-1-2024.snapshot"));

  for (const char* name : {"../../outside/secret.snapshot", "..", "", "/etc/passwd",
                           "missing.snapshot", "sub/c-1-2024.snapshot", ".peer_id"}) {
    auto result = resolve_snapshot_file(collection_dir(), name);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_EQ(result.error().kind, ErrorKind::kNotFound) << name;
    EXPECT_EQ(result.error().message, std::string("Not found: Snapshot ") + name);
  }
}

TEST_F(SnapshotFiles, SymlinkToOutsideIsNotASnapshot) {
  fs::create_symlink(root_ / "outside" / "secret.snapshot",
                     root_ / "snapshots" / "c" / "link.snapshot");
  EXPECT_FALSE(resolve_snapshot_file(collection_dir(), "link.snapshot").ok());
  auto listed = list_snapshots(collection_dir());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "c-1-2024.snapshot");
}

TEST_F(SnapshotFiles, RecoverPathMustLieInsideSnapshotsPath) {
  auto inside = resolve_recover_path(collection_dir() + "/c-1-2024.snapshot", snapshots());
  EXPECT_TRUE(inside.ok());

  auto outside =
      resolve_recover_path((root_ / "outside" / "secret.snapshot").string(), snapshots());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().kind, ErrorKind::kForbidden);
  EXPECT_NE(outside.error().message.find("must be inside the snapshots directory"),
            std::string::npos);

  auto dotted =
      resolve_recover_path(collection_dir() + "/../../outside/secret.snapshot", snapshots());
  ASSERT_FALSE(dotted.ok());
  EXPECT_EQ(dotted.error().kind, ErrorKind::kForbidden);

  fs::create_symlink(root_ / "outside" / "secret.snapshot",
                     root_ / "snapshots" / "c" / "link.snapshot");
  auto linked = resolve_recover_path(collection_dir() + "/link.snapshot", snapshots());
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().kind, ErrorKind::kForbidden);

  auto missing = resolve_recover_path(collection_dir() + "/nope.snapshot", snapshots());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kBadRequest);
}

TEST_F(SnapshotFiles, Sha256MatchesTheStandardVectorAndChecksumFilesAreListed) {
  std::ofstream(root_ / "abc") << "abc";
  auto digest = sha256_file((root_ / "abc").string());
  ASSERT_TRUE(digest.ok());
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(digest.value(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(checksums_equal(digest.value(),
                              "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(checksums_equal(digest.value(), "ba78"));

  const std::string snapshot = collection_dir() + "/c-1-2024.snapshot";
  ASSERT_TRUE(write_checksum_file(snapshot, "00ff").ok());
  std::ofstream(root_ / "snapshots" / "c" / "notes.txt") << "ignored";
  auto listed = list_snapshots(collection_dir());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].size_bytes, 7u);
  ASSERT_TRUE(listed[0].checksum.has_value());
  EXPECT_EQ(*listed[0].checksum, "00ff");
  EXPECT_EQ(listed[0].creation_time.size(), 19u);  // YYYY-MM-DDTHH:MM:SS
  EXPECT_EQ(listed[0].creation_time[10], 'T');

  ASSERT_TRUE(remove_snapshot_files(snapshot).ok());
  EXPECT_FALSE(fs::exists(snapshot));
  EXPECT_FALSE(fs::exists(snapshot + ".checksum"));
  EXPECT_TRUE(list_snapshots(collection_dir()).empty());
  EXPECT_TRUE(list_snapshots((root_ / "absent").string()).empty());
}

TEST_F(SnapshotFiles, PeerIdIsStableAndScratchDirectoriesClean) {
  uint64_t first = snapshot_peer_id(snapshots());
  EXPECT_EQ(snapshot_peer_id(snapshots()), first);
  std::string scratch_path;
  {
    auto scratch = ScratchDirectory::create(snapshots());
    ASSERT_TRUE(scratch.ok());
    scratch_path = scratch->path();
    std::ofstream(fs::path(scratch_path) / "f") << "x";
    EXPECT_TRUE(fs::exists(scratch_path));
  }
  EXPECT_FALSE(fs::exists(scratch_path));
}

}  // namespace
}  // namespace sextant::storage::snapshot
