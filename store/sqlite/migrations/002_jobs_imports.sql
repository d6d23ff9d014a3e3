-- Background jobs with their logs, and CSV imports with their rejected rows.
-- Job times are unix milliseconds (leases and progress rates need them).

CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,
  type             TEXT NOT NULL,
  params           TEXT NOT NULL DEFAULT '{}',
  state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  done             INTEGER NOT NULL DEFAULT 0,
  total            INTEGER NOT NULL DEFAULT 0,
  unit             TEXT NOT NULL DEFAULT '',
  checkpoint       TEXT NOT NULL DEFAULT '',
  attempt          INTEGER NOT NULL DEFAULT 0,  -- leases taken (the fence of writes)
  max_attempts     INTEGER NOT NULL DEFAULT 3,  -- lost leases in a row without progress before failing
  strikes          INTEGER NOT NULL DEFAULT 0,  -- lost leases since the job last made progress
  lease_done       INTEGER NOT NULL DEFAULT 0,  -- `done` when the current lease was taken
  worker           TEXT NOT NULL DEFAULT '',
  lease_until      INTEGER NOT NULL DEFAULT 0,
  heartbeat_at     INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  result           TEXT NOT NULL DEFAULT '',
  error            TEXT NOT NULL DEFAULT '',
  created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER
);
-- The queue: the oldest queued job, and running jobs by lease expiry.
CREATE INDEX jobs_state ON jobs (state, id);
CREATE INDEX jobs_created_by ON jobs (created_by, id);

CREATE TABLE job_logs (
  id      INTEGER PRIMARY KEY,
  job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,
  level   TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX job_logs_job ON job_logs (job_id, id);

CREATE TABLE imports (
  id           INTEGER PRIMARY KEY,
  created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  file_name    TEXT NOT NULL,
  path         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  encoding     TEXT NOT NULL,
  separator    TEXT NOT NULL,
  header       TEXT NOT NULL,               -- JSON array of the column names
  mapping      TEXT NOT NULL DEFAULT '',    -- JSON object column → field, set at start
  on_duplicate TEXT NOT NULL DEFAULT '',
  job_id       INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX imports_created_by ON imports (created_by, id);

-- Written in the same transaction as the batch that rejected them.
CREATE TABLE import_rejects (
  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  line      INTEGER NOT NULL,
  cells     TEXT NOT NULL,  -- JSON array of the row's original cells
  reason    TEXT NOT NULL,
  PRIMARY KEY (import_id, line)
) WITHOUT ROWID;

-- Bulk loads write the full-text index once per batch (one INSERT … SELECT) instead of once
-- per row: FTS5 flushes its pending terms at every statement, and per-row flushes made
-- imports ~4× slower. A loading transaction sets `unindexed_from` to the first id it adds
-- (rows from there on are not in the full-text index yet), indexes them at the end, and
-- sets it back to 0 before committing: no other connection ever sees it set. The triggers
-- leave the not-yet-indexed rows alone (an FTS5 'delete' of a row it never indexed would
-- corrupt the index).
CREATE TABLE bulk_mode (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  unindexed_from INTEGER NOT NULL
);
INSERT INTO bulk_mode (id, unindexed_from) VALUES (1, 0);
DROP TRIGGER prospects_fts_insert;
DROP TRIGGER prospects_fts_delete;
DROP TRIGGER prospects_fts_update;
CREATE TRIGGER prospects_fts_insert AFTER INSERT ON prospects
WHEN (SELECT unindexed_from FROM bulk_mode WHERE id = 1) = 0 BEGIN
  INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
  VALUES (new.id, new.first_name, new.last_name, new.company, new.email, new.job_title, new.city);
END;
CREATE TRIGGER prospects_fts_delete AFTER DELETE ON prospects
WHEN (SELECT unindexed_from FROM bulk_mode WHERE id = 1) IN (0) OR old.id < (SELECT unindexed_from FROM bulk_mode WHERE id = 1) BEGIN
  INSERT INTO prospects_fts (prospects_fts, rowid, first_name, last_name, company, email, job_title, city)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.company, old.email, old.job_title, old.city);
END;
CREATE TRIGGER prospects_fts_update AFTER UPDATE OF first_name, last_name, company, email, job_title, city
ON prospects
WHEN (SELECT unindexed_from FROM bulk_mode WHERE id = 1) IN (0) OR old.id < (SELECT unindexed_from FROM bulk_mode WHERE id = 1) BEGIN
  INSERT INTO prospects_fts (prospects_fts, rowid, first_name, last_name, company, email, job_title, city)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.company, old.email, old.job_title, old.city);
  INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
  VALUES (new.id, new.first_name, new.last_name, new.company, new.email, new.job_title, new.city);
END;
