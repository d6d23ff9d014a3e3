-- Indexes of prospects that an import into a small base dropped for its bulk load and builds
-- again, sorted (CREATE INDEX), once its rows are in: keeping each list index up to date row by
-- row cost an import more than twice what one build after the load costs. Written in the
-- transaction that drops them; a row leaves in the transaction that builds its index again, so
-- a crash at any moment leaves each index either present or listed here, never lost.
CREATE TABLE deferred_indexes (
  name   TEXT PRIMARY KEY,
  sql    TEXT NOT NULL,     -- its CREATE INDEX statement, as sqlite_master had it
  job_id INTEGER NOT NULL   -- the import job that builds it at its end
) WITHOUT ROWID;
