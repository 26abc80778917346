// The indexing thread's run log behind /collections/{c}/optimizations.
#include "storage/indexing_log.hpp"

#include <gtest/gtest.h>

namespace sextant::storage {
namespace {

TEST(IndexingLogTest, ARunIsRunningUntilItEnds) {
  IndexingLog log;
  log.begin("text", 1200);
  IndexingSnapshot running = log.snapshot();
  ASSERT_TRUE(running.running);
  EXPECT_EQ(running.running->vector_name, "text");
  EXPECT_EQ(running.running->points, 1200u);
  EXPECT_FALSE(running.running->finished);
  EXPECT_TRUE(running.finished.empty());

  log.end();
  IndexingSnapshot done = log.snapshot();
  EXPECT_FALSE(done.running);
  ASSERT_EQ(done.finished.size(), 1u);
  EXPECT_TRUE(done.finished[0].finished);
  EXPECT_EQ(done.finished[0].uuid, running.running->uuid);
  EXPECT_EQ(done.runs_total, 1u);
}

TEST(IndexingLogTest, KeepsTheNewestFinishedRunsFirst) {
  IndexingLog log;
  for (uint64_t i = 0; i < IndexingLog::kMaxFinished + 4; ++i) {
    log.begin("", i);
    log.end();
  }
  IndexingSnapshot snapshot = log.snapshot();
  ASSERT_EQ(snapshot.finished.size(), IndexingLog::kMaxFinished);
  EXPECT_EQ(snapshot.finished.front().points, IndexingLog::kMaxFinished + 3);
  EXPECT_EQ(snapshot.runs_total, IndexingLog::kMaxFinished + 4);
  EXPECT_NE(snapshot.finished[0].uuid, snapshot.finished[1].uuid);
}

TEST(IndexingLogTest, EndWithoutARunIsIgnored) {
  IndexingLog log;
  log.end();
  EXPECT_EQ(log.snapshot().runs_total, 0u);
}

}  // namespace
}  // namespace sextant::storage
