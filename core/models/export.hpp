#pragma once
// An export: the prospects of a filter (or a selection) written as a file to download, by an
// export job. Plain data; the rules are in core/exports.hpp.
#include <optional>
#include <string>
#include <vector>

namespace mimicom {

// pending (the job runs or will run) → ready (the file is in place) → expired (the file was
// deleted after its time to live). A failed or cancelled job leaves the export pending: its
// job says why.
inline constexpr const char* kExportStates[] = {"pending", "ready", "expired"};

struct Export {
  long long id = 0;
  std::optional<long long> created_by;
  std::string format;                // "csv" | "xlsx" | "jsonl"
  std::string options = "{}";        // JSON object: {"bom": bool, "separator": ";"}
  std::string filter = "{}";         // JSON object, the GET /prospects query parameters
  std::vector<std::string> columns;  // export_columns() names and "custom:<name>"
  std::optional<long long> job_id;
  std::string state = "pending";
  std::string file_name;             // under <data_dir>/exports/, set when ready
  long long size = 0;                // bytes, when ready
  long long rows = 0;                // prospects written, when ready
  long long created_at = 0;          // unix seconds
  std::optional<long long> expires_at;  // when ready: the file is deleted after this time
};

}  // namespace mimicom
