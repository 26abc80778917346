// A full disk or a full LMDB map reads as Qdrant's storage error, and large operations are
// refused up front when the filesystem lacks the room; an environment reports its map's size.
#include "storage/disk_space.hpp"

#include <gtest/gtest.h>
#include <lmdb.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "storage/lmdb.hpp"

namespace sextant::storage {
namespace {

namespace fs = std::filesystem;

TEST(DiskSpace, NoSpaceAndMapFullReadAsQdrantsStorageError) {
  for (int rc : {ENOSPC, MDB_MAP_FULL}) {
    const Error error = lmdb::error_from_code(rc, "mdb_txn_commit");
    EXPECT_EQ(error.kind, ErrorKind::kInsufficientStorage);
    EXPECT_EQ(error.message.rfind("Service internal error: No space left on device: "
                                  "mdb_txn_commit",
                                  0),
              0u)
        << error.message;
  }
  EXPECT_EQ(lmdb::error_from_code(EIO, "mdb_txn_commit").kind, ErrorKind::kInternal);
}

TEST(DiskSpace, LargeOperationsAreRefusedUpFrontWithBothFigures) {
  const std::string here = fs::temp_directory_path().string();
  ASSERT_TRUE(available_bytes(here).has_value());
  EXPECT_TRUE(require_free_space(here, 0, "creating a snapshot").ok());
  Status refused =
      require_free_space(here + "/not/yet/made", uint64_t(1) << 62, "creating a snapshot");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInsufficientStorage);
  EXPECT_NE(refused.error().message.find("creating a snapshot needs 4611686018427387904 bytes"),
            std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(filesystem_full(here, 0));
}

TEST(DiskSpace, EnvironmentReportsItsMapAndPreallocatesItsLockFile) {
  const fs::path dir =
      fs::temp_directory_path() / ("sextant-disk-space-" + std::to_string(getpid()));
  fs::remove_all(dir);
  lmdb::Env::Options options;
  options.map_size_bytes = 1ull << 20;
  auto env = lmdb::Env::open(dir.string(), options);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env.value()->usage().map_size_bytes, 1ull << 20);
  EXPECT_GT(env.value()->usage().used_bytes, 0u);
  ASSERT_TRUE(env.value()->grow_map().ok());
  EXPECT_EQ(env.value()->usage().map_size_bytes, 2ull << 20);
  EXPECT_GE(fs::file_size(dir / "lock.mdb"), uint64_t(options.max_readers) * 64);
  env.value().reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sextant::storage
