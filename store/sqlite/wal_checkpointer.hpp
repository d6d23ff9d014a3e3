#pragma once
// WalCheckpointer: copies the pages of a base's write-ahead log into the base on a thread of its
// own, instead of in the commit that leaves the log at 1000 pages or more (SQLite's automatic
// checkpoint): that commit's thread then waited for the copy and its two fsyncs (a 1M-row
// import's writer: tens of them).
//
// Each connection the store opens is watched (its WAL hook, which replaces the automatic
// checkpoint); a commit that leaves `frames` pages or more in the log wakes the thread, which
// runs a PASSIVE checkpoint on a connection of its own: it copies what no reader still needs,
// and never waits for a lock. A log that the checkpoint could not empty is copied on by the
// next one; SQLite starts writing it again from its beginning once it was copied whole.
//
// Threads: watch() before the connection is shared; the hook runs on the committing thread.
// The checkpointer must outlive the connections it watches.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace mimicom {

class WalCheckpointer {
 public:
  // Opens its connection to the base at `path` (throws std::runtime_error if it cannot).
  explicit WalCheckpointer(const std::string& path, int frames = 1000);
  // Stops the thread, after the checkpoint it is running if any.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void watch(sqlite3* db);

  // Waits until `n` checkpoints have run since the start, or `timeout` passed: whether they
  // had (tests).
  bool wait_for_runs(long long n, std::chrono::milliseconds timeout) const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  sqlite3* db_ = nullptr;
  const int frames_;
  mutable std::mutex mu_;
  std::condition_variable cv_;          // wakes the thread
  mutable std::condition_variable ran_;  // a checkpoint ended
  bool wanted_ = false, stopping_ = false;
  long long runs_ = 0;
  std::thread thread_;
};

}  // namespace mimicom
