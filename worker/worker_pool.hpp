#pragma once
// The workers: threads that take jobs from the JobQueue and run the task of each job's type,
// renewing its lease while it runs. `mimicom serve` runs a pool beside the API;
// `mimicom worker` runs one alone.
//
// Threads: construct, start() and stop() from one thread. A task runs on a pool thread and
// may call its JobContext from that thread only (cancelled()/lost() from any).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/models/job.hpp"
#include "queue/job_queue.hpp"
#include "store/store.hpp"

namespace mimicom {

// What a running task sees of its job.
class JobContext {
 public:
  JobContext(Store& store, JobQueue& queue, Job job) : store_(store), queue_(queue), job_(std::move(job)) {}

  const Job& job() const { return job_; }
  JobFence fence() const { return {job_.id, job_.attempt}; }
  Store& store() { return store_; }

  // Progress, sent with the next heartbeat (and with each checkpoint the task writes).
  void progress(long long done, long long total) {
    done_ = done;
    total_ = total;
  }
  long long done() const { return done_; }
  long long total() const { return total_; }

  // A log line, written at once (level: info, warn, error).
  void log(const std::string& level, const std::string& message);

  // The task should stop at its next safe point: a user asked (cancelled), or the worker is
  // shutting down (stopping: the job goes back to the queue and resumes elsewhere).
  bool cancelled() const { return cancel_.load(); }
  bool stopping() const { return stopping_.load(); }
  // The lease was taken over: stop at once and write nothing more (writes would fail anyway).
  bool lost() const { return lost_.load(); }
  bool should_stop() const { return cancelled() || stopping() || lost(); }

  // Called by the pool.
  void heartbeat();
  void request_stop() { stopping_ = true; }

 private:
  Store& store_;
  JobQueue& queue_;
  Job job_;
  std::atomic<long long> done_{0}, total_{0};
  std::atomic<bool> cancel_{false}, stopping_{false}, lost_{false};
};

struct TaskOutcome {
  enum class Kind { Succeeded, Failed, Cancelled, Stopped };
  Kind kind = Kind::Succeeded;
  std::string result;  // JSON report when succeeded
  std::string error;   // French, when failed

  static TaskOutcome succeeded(std::string result) { return {Kind::Succeeded, std::move(result), {}}; }
  static TaskOutcome failed(std::string error) { return {Kind::Failed, {}, std::move(error)}; }
  static TaskOutcome cancelled() { return {Kind::Cancelled, {}, {}}; }
  static TaskOutcome stopped() { return {Kind::Stopped, {}, {}}; }
  // What a task returns when should_stop() interrupted it.
  static TaskOutcome interrupted(const JobContext& c) { return c.cancelled() ? cancelled() : stopped(); }
};

// A task: runs (or resumes, from job().checkpoint) one job. Exceptions fail the job.
using Task = std::function<TaskOutcome(JobContext&)>;

struct WorkerOptions {
  int threads = 2;
  std::string name_prefix;  // default local_worker_prefix()
};

class WorkerPool {
 public:
  WorkerPool(Store& store, JobQueue& queue, std::map<std::string, Task> tasks, WorkerOptions options);
  ~WorkerPool();  // stop()

  void start();
  // Asks running tasks to stop at their next safe point, gives their jobs back to the queue
  // and joins the threads.
  void stop();

 private:
  void run(int n);
  void beat();

  Store& store_;
  JobQueue& queue_;
  std::map<std::string, Task> tasks_;
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::thread heart_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<JobContext*> running_;
};

}  // namespace mimicom
