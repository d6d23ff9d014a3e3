#pragma once
// The tasks workers run, by job type. Each reads its parameters from the job, resumes from
// the job's checkpoint, writes its progress and logs, and returns its report.
#include <map>
#include <string>

#include "worker/worker_pool.hpp"

namespace mimicom {

struct TaskSettings {
  std::string data_dir;            // uploads, temporary files
  long long import_batch_rows = 20000;  // rows committed per transaction (with the checkpoint)
};

// Imports a CSV file uploaded with POST /imports (params: {"import_id": N}). Streams the
// file, converts and validates each row (core/imports.hpp), writes batches with their
// checkpoint (store.import_batch), keeps rejected rows. Resumes exactly after a crash.
TaskOutcome run_import(JobContext& ctx, const TaskSettings& settings);

// Every task, by job type.
std::map<std::string, Task> all_tasks(const TaskSettings& settings);

}  // namespace mimicom
