// The LMDB environment's repairs: the map grows and the environment reopens with every database
// handle and committed value kept, a full map becomes writable after growing, and the gate holds
// new transactions back until the open ones end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/lmdb.hpp"

namespace sextant::storage::lmdb {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LmdbEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant-lmdb-env-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Env::Options options;
    options.map_size_bytes = 256 * 1024;
    auto env = Env::open(dir_.string(), options);
    ASSERT_TRUE(env.ok()) << env.error().message;
    env_ = std::move(env.value());
  }
  void TearDown() override {
    env_.reset();
    fs::remove_all(dir_);
  }

  // Writes `count` values of 1 KiB into database "values" (opened first in the environment);
  // returns the first failure.
  Status write(MDB_dbi& dbi, int first, int count) {
    auto txn = Txn::begin(*env_, Txn::Mode::kWrite);
    if (!txn.ok()) return txn.error();
    auto opened = txn->open_db("values", MDB_CREATE);
    if (!opened.ok()) return opened.error();
    dbi = opened.value();
    const std::string value(1024, 'v');
    for (int i = first; i < first + count; ++i) {
      const std::string key = "key" + std::to_string(i);
      if (auto st = txn->put(dbi, as_bytes(key), as_bytes(value)); !st.ok()) return st;
    }
    return txn->commit();
  }

  uint64_t entries(MDB_dbi dbi) {
    auto txn = Txn::begin(*env_, Txn::Mode::kRead);
    EXPECT_TRUE(txn.ok());
    auto count = txn->entries(dbi);
    EXPECT_TRUE(count.ok());
    return count.ok() ? count.value() : 0;
  }

  fs::path dir_;
  std::unique_ptr<Env> env_;
};

TEST_F(LmdbEnv, AFullMapTakesTheWriteAfterGrowing) {
  MDB_dbi dbi = 0;
  ASSERT_TRUE(write(dbi, 0, 50).ok());
  (void)env_->take_map_full();
  Status full = write(dbi, 50, 400);  // ~400 KiB into a 256 KiB map
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().kind, ErrorKind::kInsufficientStorage) << full.error().message;
  EXPECT_TRUE(env_->take_map_full());
  EXPECT_FALSE(env_->take_map_full());  // taken once
  for (int growths = 0; growths < 4 && !write(dbi, 50, 400).ok(); ++growths)
    ASSERT_TRUE(env_->grow_map().ok());
  EXPECT_GT(env_->usage().map_size_bytes, 256u * 1024);
  EXPECT_EQ(entries(dbi), 450u);
}

TEST_F(LmdbEnv, ReopenKeepsDatabaseHandlesAndCommittedValues) {
  MDB_dbi values = 0;
  ASSERT_TRUE(write(values, 0, 20).ok());
  MDB_dbi other = 0;
  {
    auto txn = Txn::begin(*env_, Txn::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto opened = txn->open_db("other", MDB_CREATE | MDB_INTEGERKEY);
    ASSERT_TRUE(opened.ok());
    other = opened.value();
    ASSERT_TRUE(txn->commit().ok());
  }
  ASSERT_TRUE(env_->reopen().ok());
  EXPECT_FALSE(env_->unusable());
  EXPECT_EQ(entries(values), 20u);  // the handle from before the reopen still names it
  EXPECT_EQ(entries(other), 0u);
  ASSERT_TRUE(write(values, 20, 5).ok());
  EXPECT_EQ(entries(values), 25u);
}

TEST_F(LmdbEnv, TheGateHoldsNewTransactionsUntilTheOpenOnesEnd) {
  MDB_dbi dbi = 0;
  ASSERT_TRUE(write(dbi, 0, 5).ok());
  auto reader = Txn::begin(*env_, Txn::Mode::kRead);
  ASSERT_TRUE(reader.ok());
  TransactionGate& gate = env_->gate();
  EXPECT_EQ(gate.open_transactions(), 1u);
  gate.hold();
  EXPECT_FALSE(gate.wait_until_empty(20ms));  // the reader is still open
  std::atomic<bool> began{false};
  std::thread late([&] {
    auto txn = Txn::begin(*env_, Txn::Mode::kRead);
    began = txn.ok();
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(began.load());  // held back
  reader->abort();
  EXPECT_TRUE(gate.wait_until_empty(1s));
  ASSERT_TRUE(env_->grow_map().ok());
  gate.release();
  late.join();
  EXPECT_TRUE(began.load());
  EXPECT_EQ(gate.open_transactions(), 0u);
  EXPECT_EQ(entries(dbi), 5u);
}

}  // namespace
}  // namespace sextant::storage::lmdb
