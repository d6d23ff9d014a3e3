#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>

#include "core/clock.hpp"
#include "queue/job_queue.hpp"

namespace mimicom {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

class LocalJobQueue final : public JobQueue {
 public:
  LocalJobQueue(Store& store, LocalQueueOptions o) : store_(store), options_(o) { reclaim_dead_workers(); }

  Result<Job> submit(const NewJob& j) override {
    auto job = store_.create_job(j, now_unix_ms());
    if (job) notify(job->id);
    return job;
  }

  void notify(long long) override {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }

  Result<std::optional<Job>> take(const std::string& worker, std::chrono::milliseconds wait) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (!closed_) {
      long long seen;
      {
        std::lock_guard lock(mu_);
        seen = generation_;
      }
      auto job = store_.lease_job(worker, now_unix_ms(), options_.lease.count());
      if (!job || *job) return job;
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, std::min(deadline, now + options_.poll),
                     [&] { return closed_.load() || generation_ != seen; });
    }
    return std::optional<Job>();
  }

  Result<JobControl> heartbeat(const JobFence& f, long long done, long long total) override {
    return store_.heartbeat_job(f, done, total, now_unix_ms(), options_.lease.count());
  }

  Status finish(const JobFence& f, const std::string& state, const std::string& result,
                const std::string& error) override {
    return store_.finish_job(f, state, result, error, now_unix_ms());
  }

  Status release(const JobFence& f) override {
    auto st = store_.release_job(f, now_unix_ms());
    if (st) notify(f.job_id);
    return st;
  }

  Result<Job> cancel(long long id) override { return store_.cancel_job(id, now_unix_ms()); }

  Result<Job> retry(long long id) override {
    auto job = store_.retry_job(id, now_unix_ms());
    if (job) notify(id);
    return job;
  }

  void close() override {
    closed_ = true;
    cv_.notify_all();
  }

  std::chrono::milliseconds lease() const override { return options_.lease; }

 private:
  // A running job whose worker is a process of this machine that no longer exists will
  // never be renewed: free it now rather than after its lease.
  void reclaim_dead_workers() {
    auto running = store_.running_jobs(now_unix_ms());
    if (!running) return;
    std::string host = host_name() + ":";
    for (const auto& [id, worker] : *running) {
      if (!worker.starts_with(host)) continue;
      long pid = std::strtol(worker.c_str() + host.size(), nullptr, 10);
      if (pid <= 0) continue;
      bool dead;
      if (pid == getpid()) dead = !worker.starts_with(local_worker_prefix() + ":");  // an earlier life of our pid
      else dead = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
      if (dead) (void)store_.expire_job_lease(id, worker);
    }
  }

  Store& store_;
  LocalQueueOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  long long generation_ = 0;
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<JobQueue> make_local_job_queue(Store& store, LocalQueueOptions options) {
  return std::make_unique<LocalJobQueue>(store, options);
}

std::string local_worker_prefix() {
  // The start time tells this process from an earlier one that had the same pid (a
  // container's process 1 after a restart).
  static const std::string prefix = host_name() + ":" + std::to_string(getpid()) + ":" + std::to_string(now_unix_ms());
  return prefix;
}

}  // namespace mimicom
