#include "store/sqlite/wal_checkpointer.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/thread_name.hpp"

namespace mimicom {

WalCheckpointer::WalCheckpointer(const std::string& path, int frames) : frames_(frames) {
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
  {
    std::lock_guard lock(c->mu_);
    c->wanted_ = true;
  }
  c->cv_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    // Busy: another connection is checkpointing or recovering the log; the next commit wakes
    // this one again. Anything else is logged: the log only grows until a checkpoint works.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) spdlog::warn("checkpoint du journal WAL : {}", sqlite3_errmsg(db_));
    lock.lock();
    ++runs_;
    ran_.notify_all();
  }
}

}  // namespace mimicom
