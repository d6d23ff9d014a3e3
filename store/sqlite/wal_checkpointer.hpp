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
// Copied whole at the moment the next write begins, that is: against a writer that commits
// without pause (a bulk load), each checkpoint ends behind its latest commit, and the log only
// grows (a 1M-row import: 533 MB of log for a 514 MB base, every page written twice into new
// file space). So a commit that leaves `hold_frames` pages or more waits, on its own thread and
// holding no lock, for a checkpoint begun after it: the log is then copied whole (unless a
// reader still reads an older state from it), and the writer's next transaction writes it from
// its beginning again, over pages the system's cache holds already.
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
  // hold_frames: see above; 0 never holds a commit.
  explicit WalCheckpointer(const std::string& path, int frames = 1000, int hold_frames = 4000);
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
  const int frames_, hold_frames_;
  mutable std::mutex mu_;
  std::condition_variable cv_;          // wakes the thread
  mutable std::condition_variable ran_;  // a checkpoint ended
  bool wanted_ = false, stopping_ = false;
  long long runs_ = 0;
  long long wanted_seq_ = 0;  // requests so far (a held commit waits for its own)
  long long done_seq_ = 0;    // the requests that a finished checkpoint began after
  std::thread thread_;
};

}  // namespace mimicom
