#include "store/sqlite/wal_checkpointer.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/thread_name.hpp"

namespace mimicom {

WalCheckpointer::WalCheckpointer(const std::string& path, int frames, int hold_frames)
    : frames_(frames), hold_frames_(hold_frames) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("checkpoints: " + why);
  }
  sqlite3_wal_autocheckpoint(db_, 0);
  // A connection learns that the base is in WAL mode when it first reads it: until then, a
  // checkpoint on it does nothing.
  if (sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw std::runtime_error("checkpoints: " + why);
  }
  thread_ = std::thread([this] {
    name_this_thread("wal-checkpoint");
    run();
  });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  ran_.notify_all();
  thread_.join();
  sqlite3_close(db_);
}

void WalCheckpointer::watch(sqlite3* db) { sqlite3_wal_hook(db, &WalCheckpointer::on_commit, this); }

bool WalCheckpointer::wait_for_runs(long long n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return ran_.wait_for(lock, timeout, [&] { return runs_ >= n; });
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (frames < c->frames_) return SQLITE_OK;
  std::unique_lock lock(c->mu_);
  c->wanted_ = true;
  const long long seq = ++c->wanted_seq_;
  c->cv_.notify_one();
  // Held: until a checkpoint that began after this commit has ended (or the thread stops).
  if (c->hold_frames_ > 0 && frames >= c->hold_frames_) {
    c->ran_.wait(lock, [&] { return c->done_seq_ >= seq || c->stopping_; });
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    const long long seq = wanted_seq_;
    lock.unlock();
    int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    // Busy: another connection is checkpointing or recovering the log; the next commit wakes
    // this one again. Anything else is logged: the log only grows until a checkpoint works.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) spdlog::warn("checkpoint du journal WAL : {}", sqlite3_errmsg(db_));
    lock.lock();
    ++runs_;
    done_seq_ = seq;
    ran_.notify_all();
  }
}

}  // namespace mimicom
