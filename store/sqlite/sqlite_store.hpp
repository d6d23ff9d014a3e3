#pragma once
// The embedded Store: one SQLite file in WAL mode, a pool of connections (readers run in
// parallel; writers take the file's single write lock with BEGIN IMMEDIATE), every named
// query of store/sqlite/queries/*.sql prepared on each connection at open, so a broken query
// stops the start-up rather than a user's request.
#include <memory>
#include <string>

#include "store/store.hpp"

namespace mimicom {

struct SqliteOptions {
  std::string path;          // the database file; created with its folder when missing
  int connections = 32;      // pool size: about the number of concurrent requests
  int cache_kib = 4 * 1024;  // page cache per connection (the OS caches the file too)
};

// Opens (creating and migrating when needed). Internal error on an unreadable file, a failed
// migration or a query that does not prepare.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteOptions& options);

}  // namespace mimicom
