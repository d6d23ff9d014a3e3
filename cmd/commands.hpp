#pragma once
// The subcommands of `mimicom`; each returns the process exit code.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "queue/job_queue.hpp"
#include "worker/tasks.hpp"

namespace mimicom::cmd {

// What every command that runs jobs shares: the queue (lease from the configuration) and the
// tasks' settings.
std::unique_ptr<JobQueue> open_queue(Store& store, const Config& config);
TaskSettings task_settings(const Config& config);

int serve(const Config& config, const std::string& version, bool no_worker);
// Runs job workers only, on the same data as a `serve` (scaled mode).
int worker(const Config& config);
// Imports a CSV file as the import job would, showing a progress bar; exit code 0 when the
// job succeeded (rejected rows included), 1 otherwise.
int import_file(const Config& config, const std::string& file, const std::string& mapping,
                const std::string& on_duplicate, const std::string& as_user);
// Writes the prospects of a filter (GET /prospects parameters, "key=value") to `out` as the
// export job would (temporary file, then rename); progress on stderr. 0 on success, 1 on a
// failure, 2 on bad arguments.
int export_file(const Config& config, const std::string& format, const std::vector<std::string>& filters,
                const std::string& columns, bool bom, const std::string& separator, const std::string& out);
int user_add(const Config& config, const std::string& email, const std::string& role, const std::string& name,
             bool password_stdin);
int token_create(const Config& config, const std::string& email, const std::string& name);
// Inserts demo prospects, or with csv_path writes them as a CSV file to import instead.
int demo_data(const Config& config, long long count, unsigned long long seed, const std::string& csv_path = "",
              int duplicates_pct = 0, int invalid_pct = 0);

}  // namespace mimicom::cmd
