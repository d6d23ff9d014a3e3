#pragma once
// The tasks workers run, by job type. Each reads its parameters from the job, resumes from
// the job's checkpoint, writes its progress and logs, and returns its report.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/exports.hpp"
#include "worker/worker_pool.hpp"

namespace mimicom {

struct TaskSettings {
  std::string data_dir;            // uploads, temporary files
  long long import_batch_rows = 10000;  // rows committed per transaction (with the checkpoint)
  long long export_ttl_hours = 72;      // an export's file is deleted this long after it is ready
  long long export_chunk_rows = 5000;   // prospects read per chunk (one short read transaction)
  long long segment_batch_rows = 100000;  // segment ids written per transaction (with the checkpoint)
  long long segment_batch_pause_ms = 0;   // pause after each batch but the last: the single writer is free meanwhile
  // An import of a file this large at least (~30,000 rows) into a base of at most one prospect
  // per KiB of file (a quarter of the rows it brings) defers the list indexes to the end of its
  // load (store.defer_prospect_indexes).
  long long import_bulk_min_bytes = 8 << 20;
};

// Imports a CSV file uploaded with POST /imports (params: {"import_id": N}). Streams the
// file, converts and validates each row (core/imports.hpp), writes batches with their
// checkpoint (store.import_batch), keeps rejected rows. Resumes exactly after a crash. A large
// file into a small base is loaded with the list indexes deferred, built again at the end of
// the job (also when it fails or is cancelled; a job interrupted builds them when it resumes).
TaskOutcome run_import(JobContext& ctx, const TaskSettings& settings);

// What an export writes: the prospects of `filter`, in id order, with `columns` (checked).
struct ExportSpec {
  ExportOptions options;
  ProspectFilter filter;
  std::vector<std::string> columns;
};

struct ExportRun {
  long long rows = 0;
  long long size = 0;    // bytes of the file
  bool stopped = false;  // `progress` asked to stop: no file was left
};

// Writes the export to `path` through a temporary file `part_path` beside it: the prospects
// are read in chunks by one thread (store.stream_prospects) while this one formats and writes
// them; the temporary file is synced to disk (fsync), then renamed to `path` and the folder
// synced, so `path` is either absent, an older complete file, or the new complete file —
// never a partial one. `progress(rows)` is called after each chunk; false stops the export
// (the temporary file is removed). On an error the temporary file is removed too.
Result<ExportRun> write_export_file(Store& store, const ExportSpec& spec, const std::string& path,
                                    const std::string& part_path, long long chunk_rows,
                                    const std::function<bool(long long rows)>& progress);

// Exports prospects to a file (params: {"export_id": N}) in <data_dir>/exports/. A killed or
// restarted export starts its file again from the first prospect (a new temporary file per
// attempt): rewriting is fast (seconds for a million rows) and a restart can never append to
// a file of an earlier attempt.
TaskOutcome run_export(JobContext& ctx, const TaskSettings& settings);

// The file name of a ready export in <data_dir>/exports/, and the temporary file of one
// attempt beside it.
std::string export_file_name(const Export& e);
std::string export_part_name(const Export& e, int attempt);

// Housekeeping of <data_dir>/exports/ (run at start-up and periodically by `serve`): marks
// expired the ready exports whose time ran out and deletes their files, and deletes files no
// export offers (temporary files of attempts that ended or were taken over, files of
// exports that no longer exist). Returns how many files were deleted.
long long sweep_exports(Store& store, const std::string& data_dir, long long now);

// Segments prospects (params: {"segmentation_id": N, "mode": "fit" | "apply"}): fits the
// run's k-means and saves it ("fit"), then writes each prospect's segment in batches with
// checkpoints; "apply" assigns the prospects as they are now to a saved run. Resumes after a
// crash (worker/tasks_segmentation.cpp).
TaskOutcome run_segmentation(JobContext& ctx, const TaskSettings& settings);

// Every task, by job type.
std::map<std::string, Task> all_tasks(const TaskSettings& settings);

}  // namespace mimicom
