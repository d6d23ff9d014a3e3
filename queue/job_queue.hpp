#pragma once
// JobQueue: the line between the API, which submits long tasks, and the workers, which run
// them. Whatever the backend (local: the store's own jobs table; Redis Streams later), the
// job rows live in the Store, which holds their state, progress, checkpoint and lease; the
// queue decides who runs what next and wakes workers. Every backend passes
// queue/job_queue_conformance_test.cpp.
//
// Life of a job: submit → queued; take() leases it to one worker (attempt + 1) until
// now + lease; the worker renews the lease with heartbeat() and ends it with finish().
// A worker that stops renewing (crash, kill -9, lost machine) loses the lease: the job is
// taken again by the next take(), resuming from its checkpoint; after max_attempts leases
// lost in a row without progress (`done` did not move) it is failed with the cause. A job
// that keeps advancing between crashes keeps resuming until it ends. Writes from a worker whose lease was taken over fail
// with Conflict (the fence), so a step is never committed twice.
//
// Threads: every method may be called from any thread, concurrently.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/models/job.hpp"
#include "store/store.hpp"

namespace mimicom {

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Persists a queued job and wakes a worker.
  virtual Result<Job> submit(const NewJob& j) = 0;
  // Tells the workers that job `id` (already persisted as queued) is ready: after a retry,
  // or a job created inside another transaction (store.start_import).
  virtual void notify(long long id) = 0;
  // Leases the next runnable job to `worker`, waiting up to `wait` for one. nullopt when
  // none came (or the queue was closed).
  virtual Result<std::optional<Job>> take(const std::string& worker, std::chrono::milliseconds wait) = 0;
  // Renews the lease of a running job and reports its progress. Conflict when the lease
  // was lost: the worker must stop the task without writing anything more.
  virtual Result<JobControl> heartbeat(const JobFence& f, long long done, long long total) = 0;
  // Ends the job: succeeded (result = the task's report, JSON), failed (error), cancelled.
  virtual Status finish(const JobFence& f, const std::string& state, const std::string& result,
                        const std::string& error) = 0;
  // Gives a job back without spending its attempt (a worker shutting down).
  virtual Status release(const JobFence& f) = 0;
  virtual Result<Job> cancel(long long id) = 0;
  virtual Result<Job> retry(long long id) = 0;
  // Wakes every take() and makes them return nullopt from now on.
  virtual void close() = 0;

  // How long a lease lasts without a heartbeat.
  virtual std::chrono::milliseconds lease() const = 0;
};

struct LocalQueueOptions {
  std::chrono::milliseconds lease{30000};
  // How often take() looks at the table for jobs submitted by other processes (in-process
  // submissions wake it at once).
  std::chrono::milliseconds poll{250};
};

// The local backend: the store's jobs table. Several processes on the same data folder may
// share it (`mimicom serve` + `mimicom worker`). At creation it frees the leases held by
// dead processes of this machine, so a restart after a crash resumes at once instead of
// waiting for the lease to run out.
std::unique_ptr<JobQueue> make_local_job_queue(Store& store, LocalQueueOptions options = {});

// "host:pid:start" of this process, the prefix of its workers' names.
std::string local_worker_prefix();

}  // namespace mimicom
