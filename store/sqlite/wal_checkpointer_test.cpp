#include "store/sqlite/wal_checkpointer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

namespace mimicom {
namespace {

class Checkpoints : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mimicom-checkpoints-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    exec("PRAGMA page_size = 4096");
    exec("PRAGMA journal_mode = WAL");
    exec("CREATE TABLE t (x BLOB)");
  }
  void TearDown() override {
    sqlite3_close(db_);
    std::filesystem::remove_all(dir_);
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " " << sql;
  }
  long long base_bytes() const { return static_cast<long long>(std::filesystem::file_size(path_)); }

  std::filesystem::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

// A commit that leaves the log at the threshold or more: its pages end up in the base, copied by
// the checkpointer's thread (SQLite's automatic checkpoint is off on a watched connection).
TEST_F(Checkpoints, ACommitPastTheThresholdHasTheLogCopiedIntoTheBase) {
  WalCheckpointer c(path_, 100);
  c.watch(db_);
  const long long before = base_bytes();
  exec("INSERT INTO t VALUES (zeroblob(4000))");  // a page or two: under the threshold
  exec("WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < 300) "
       "INSERT INTO t SELECT zeroblob(4000) FROM r");  // 300 pages more
  ASSERT_TRUE(c.wait_for_runs(1, std::chrono::seconds(30)));
  // The base holds the 300 rows' pages now (before: the schema's pages only).
  EXPECT_GT(base_bytes(), before + 300 * 4000);
  // Nothing is left to copy: a checkpoint now copies no page the first did not.
  int log = -1, copied = -1;
  ASSERT_EQ(sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied), SQLITE_OK);
  EXPECT_EQ(log, copied);
}

// A writer that commits without pause: each commit that leaves the log at hold_frames or more
// waits for a checkpoint begun after it, so the log is copied whole and the next transaction
// writes it from its beginning again. The log file never holds more than hold_frames pages plus
// one commit's (it would grow for as long as the writer writes if the checkpoints stayed behind).
TEST_F(Checkpoints, AWriterPastTheHoldWaitsAndTheLogStartsOverInsteadOfGrowing) {
  constexpr int kHold = 200, kPagesPerCommit = 20, kCommits = 100;
  WalCheckpointer c(path_, 50, kHold);
  c.watch(db_);
  const std::string wal = path_ + "-wal";
  long long biggest = 0;
  for (int i = 0; i < kCommits; ++i) {
    exec("WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < " +
         std::to_string(kPagesPerCommit) + ") INSERT INTO t SELECT zeroblob(4000) FROM r");
    biggest = std::max(biggest, static_cast<long long>(std::filesystem::file_size(wal)));
  }
  // 2,000 pages were written; a frame is a page and its 24-byte header, after the 32-byte log header.
  const long long frame = 4096 + 24;
  EXPECT_LE(biggest, 32 + (kHold + kPagesPerCommit + 4) * frame);
  EXPECT_GT(base_bytes(), static_cast<long long>(kCommits - 10) * kPagesPerCommit * 4000);
}

// Without the checkpointer, the same commit leaves the base as it was (the automatic checkpoint
// is off here as on a watched connection): the copy above is the thread's.
TEST_F(Checkpoints, WithoutItTheLogIsNotCopied) {
  sqlite3_wal_autocheckpoint(db_, 0);
  const long long before = base_bytes();
  exec("WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM r WHERE k < 300) "
       "INSERT INTO t SELECT zeroblob(4000) FROM r");
  EXPECT_EQ(base_bytes(), before);
}

}  // namespace
}  // namespace mimicom
