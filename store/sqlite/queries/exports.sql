-- Exports of prospects to files. The prospects themselves are streamed by a query built
-- from the filter (sqlite_store.cpp, stream_prospects).

-- name: export-create
-- Records an export (its job is created just after, in the same transaction).
INSERT INTO exports (created_by, format, options, filter, columns, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6);

-- name: export-set-job
-- Links an export to the job that writes it.
UPDATE exports SET job_id = ?2 WHERE id = ?1;

-- name: export-get
-- One export (the columns in the order read_export expects).
SELECT id, created_by, format, options, filter, columns, job_id, state, file_name, size, rows, created_at, expires_at
FROM exports WHERE id = ?1;

-- name: export-list
-- The newest exports, of one user (?1) or of everyone (?1 NULL).
SELECT id, created_by, format, options, filter, columns, job_id, state, file_name, size, rows, created_at, expires_at
FROM exports WHERE ?1 IS NULL OR created_by = ?1 ORDER BY id DESC LIMIT ?2;

-- name: export-finish
-- Marks export ?1 ready with its file, only while attempt ?7 of its job still runs it.
UPDATE exports SET state = 'ready', file_name = ?2, size = ?3, rows = ?4, expires_at = ?5
WHERE id = ?1 AND state = 'pending'
  AND job_id IN (SELECT id FROM jobs WHERE id = ?6 AND attempt = ?7 AND state = 'running');

-- name: export-expired
-- Ready exports whose file's time ran out at ?1.
SELECT id, created_by, format, options, filter, columns, job_id, state, file_name, size, rows, created_at, expires_at
FROM exports WHERE state = 'ready' AND expires_at <= ?1;

-- name: export-expire
-- Marks one ready export expired (its file is deleted just after).
UPDATE exports SET state = 'expired' WHERE id = ?1 AND state = 'ready';
