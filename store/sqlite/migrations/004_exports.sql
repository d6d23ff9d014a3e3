-- Exports: the prospects of a filter written as a file by an export job, downloadable until
-- the file expires.

CREATE TABLE exports (
  id         INTEGER PRIMARY KEY,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  format     TEXT NOT NULL CHECK (format IN ('csv', 'xlsx', 'jsonl')),
  options    TEXT NOT NULL DEFAULT '{}',  -- JSON object: {"bom": bool, "separator": ";"}
  filter     TEXT NOT NULL DEFAULT '{}',  -- JSON object: GET /prospects query parameters
  columns    TEXT NOT NULL,               -- JSON array of column names
  job_id     INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
  state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready', 'expired')),
  file_name  TEXT NOT NULL DEFAULT '',    -- under <data_dir>/exports/, once ready
  size       INTEGER NOT NULL DEFAULT 0,
  rows       INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX exports_created_by ON exports (created_by, id);
-- The sweep: ready files by expiry.
CREATE INDEX exports_expiry ON exports (state, expires_at);
