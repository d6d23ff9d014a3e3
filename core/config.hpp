#pragma once
// Configuration: defaults → `.env` in the working folder → environment (MIMICOM_*) → flags
// (applied by cmd/). Secrets (admin password, SMTP password) come only from the environment
// or `.env`, never from a file in git.
#include <map>
#include <string>

namespace mimicom {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "data";
  std::string store;   // store URL; empty = SQLite file <data_dir>/mimicom.db
  std::string ui_dir;  // empty = found next to the binary (app/dist)
  std::string admin_email = "admin@mimicom.local";
  std::string admin_password;  // first start only; generated and printed when empty
  bool secure_cookies = false;
  int workers = 0;                    // job worker threads in `serve`; 0 = one per core
  long long job_lease_ms = 30000;     // a job whose worker is silent this long runs again
  long long max_upload_mb = 2048;     // CSV uploads larger than this are refused (413)
  long long import_batch_rows = 10000; // rows per import transaction (each with its checkpoint)
  long long import_bulk_min_mb = 8;     // imports of files this large into a small base build the list indexes after the load
  long long export_ttl_hours = 72;     // an export's file is deleted this long after it is ready
  long long export_chunk_rows = 5000;  // prospects an export reads per chunk
  long long segment_batch_rows = 100000;  // segment ids a segmentation writes per transaction
  long long segment_batch_pause_ms = 0;   // pause after each of those batches (0: none)

  std::string store_url() const;
};

// Reads `.env` (KEY=VALUE lines, # comments, optional quotes) from `env_file` when it exists,
// then the process environment, which wins.
Config load_config(const std::string& env_file = ".env");

// The values of a .env text. Pure.
std::map<std::string, std::string> parse_env_file(const std::string& text);

}  // namespace mimicom
