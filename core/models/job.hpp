#pragma once
// A job: one long task (import, clustering, export…) persisted with its progress, its
// checkpoint and its lease, so that any worker can run it, resume it after a crash, and the
// UI can show it. Plain data; the rules of its life are in queue/job_queue.hpp.
#include <optional>
#include <string>

namespace mimicom {

// queued → running → succeeded | failed | cancelled; failed and cancelled jobs may be retried
// (back to queued, resuming from their checkpoint).
inline constexpr const char* kJobStates[] = {"queued", "running", "succeeded", "failed", "cancelled"};

struct Job {
  long long id = 0;
  std::string type;                 // "import", … (a task of worker/tasks.hpp)
  std::string params = "{}";        // JSON object, the task's input
  std::string state = "queued";
  long long done = 0, total = 0;    // progress, in `unit`
  std::string unit;                 // "lignes", "prospects", "octets"…
  std::string checkpoint;           // JSON written by the task with its last committed step; "" = none
  int attempt = 0;                  // 1 for the first run; bumped by each lease (fences writes)
  int max_attempts = 3;             // lost leases in a row WITHOUT progress before the job fails
  std::string worker;               // "host:pid:n" of the worker holding the lease
  long long lease_until_ms = 0;     // the lease is lost after this time (unix ms)
  long long heartbeat_ms = 0;
  bool cancel_requested = false;
  std::string result;               // JSON, set on success (a task's report)
  std::string error;                // French, set when failed
  std::optional<long long> created_by;
  long long created_ms = 0, updated_ms = 0;
  std::optional<long long> started_ms, finished_ms;

  bool terminal() const { return state == "succeeded" || state == "failed" || state == "cancelled"; }
};

struct JobLog {
  long long id = 0;
  long long job_id = 0;
  long long at_ms = 0;
  std::string level;  // "info", "warn", "error"
  std::string message;
};

struct NewJob {
  std::string type;
  std::string params = "{}";
  std::optional<long long> created_by;
  int max_attempts = 3;
  std::string unit;
};

struct JobFilter {
  std::optional<std::string> type, state;
  std::optional<long long> created_by;  // a member sees their own jobs only
  long long limit = 50, offset = 0;
};

// Who may write a running job: the holder of its current attempt. A write from a worker
// whose lease was taken over (an older attempt) is refused, so two workers never both
// commit the same step.
struct JobFence {
  long long job_id = 0;
  int attempt = 0;
};

// What a heartbeat learns.
struct JobControl {
  bool cancel_requested = false;
};

}  // namespace mimicom
