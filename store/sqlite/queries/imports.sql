-- CSV imports and their rejected rows.

-- name: import-create
-- Records an uploaded file.
INSERT INTO imports (created_by, file_name, path, size, encoding, separator, header, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: import-get
-- One import (the columns in the order read_import expects).
SELECT id, created_by, file_name, path, size, encoding, separator, header, mapping, on_duplicate, job_id, created_at
FROM imports WHERE id = ?1;

-- name: import-list
-- The newest imports, of one user (?1) or of everyone (?1 NULL).
SELECT id, created_by, file_name, path, size, encoding, separator, header, mapping, on_duplicate, job_id, created_at
FROM imports WHERE ?1 IS NULL OR created_by = ?1 ORDER BY id DESC LIMIT ?2;

-- name: import-start
-- Records the mapping, the policy and the job of an import not started yet.
UPDATE imports SET mapping = ?2, on_duplicate = ?3, job_id = ?4 WHERE id = ?1 AND job_id IS NULL;

-- name: import-reject-add
-- Keeps a rejected row (a resumed batch never writes the same line twice: it was rolled back).
INSERT OR REPLACE INTO import_rejects (import_id, line, cells, reason) VALUES (?1, ?2, ?3, ?4);

-- name: import-rejects
-- Rejected rows of an import after line ?2, in file order.
SELECT line, cells, reason FROM import_rejects WHERE import_id = ?1 AND line > ?2 ORDER BY line LIMIT ?3;

-- name: prospect-get-by-email
-- One prospect by normalised e-mail (duplicates in imports).
SELECT id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region,
  country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at
FROM prospects WHERE email = ?1;

-- name: prospect-get-by-phone
-- The oldest prospect with this phone (duplicates of rows without e-mail).
SELECT id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region,
  country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at
FROM prospects WHERE phone = ?1 ORDER BY id LIMIT 1;

-- name: prospect-count-upto
-- How many prospects there are, counted up to ?1 at most (whether the base is small).
SELECT count(*) FROM (SELECT 1 FROM prospects LIMIT ?1);

-- name: deferrable-prospect-indexes
-- The indexes of prospects a bulk load may drop and build after it: all but those the load
-- and its readers meanwhile need, the revision (the KPI cache and the load's in-memory keys
-- read changes on it) and the creation date (the list's default order), both appended to in
-- order, so keeping them costs little. The unique e-mail index goes too: the load finds
-- duplicates in memory, other writers check the e-mail by hand (see ProspectKeys).
SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = 'prospects' AND sql IS NOT NULL
  AND name NOT IN ('prospects_rev', 'prospects_created')
ORDER BY name;

-- name: deferred-index-add
-- Records an index dropped for job ?3's bulk load.
INSERT INTO deferred_indexes (name, sql, job_id) VALUES (?1, ?2, ?3);

-- name: deferred-index-jobs
-- The jobs that have deferred indexes.
SELECT DISTINCT job_id FROM deferred_indexes;

-- name: deferred-indexes-of-job
-- The indexes job ?1 deferred, or (?1 NULL) those of jobs that will not build them any more:
-- their job ended, or is gone. The unique ones first: their rule is back soonest.
SELECT name, sql FROM deferred_indexes
WHERE CASE WHEN ?1 IS NULL THEN job_id NOT IN (SELECT id FROM jobs WHERE state IN ('queued', 'running'))
           ELSE job_id = ?1 END
ORDER BY sql LIKE 'CREATE UNIQUE %' DESC, name;

-- name: deferred-index-built
-- Forgets a deferred index (in the transaction that built it again).
DELETE FROM deferred_indexes WHERE name = ?1;

-- name: schema-has
-- Whether the schema has a ?1 ('index', 'table') named ?2 (the e-mail index is missing while a
-- bulk load defers it; a segmentation's pending assignment is a table of its own).
SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2;

-- name: prospect-keys-all
-- Every prospect's import keys (loaded once into memory while the key indexes are deferred).
SELECT id, email, phone FROM prospects ORDER BY id;

-- name: prospect-emails-all
-- Every prospect's e-mail, read on the unique e-mail index (a large import into a base that has
-- it loads its keys so: the table itself is ten times larger).
SELECT id, email FROM prospects WHERE email IS NOT NULL ORDER BY email;

-- name: prospect-phones-all
-- Every prospect's phone, read on the phone index.
SELECT id, phone FROM prospects WHERE phone IS NOT NULL ORDER BY phone;

-- name: prospect-keys-since
-- The keys of the prospects written after revision ?1 (by other writers, between two batches),
-- read on the revision index: with ORDER BY id, SQLite scanned the whole table at every batch.
SELECT id, email, phone FROM prospects INDEXED BY prospects_rev WHERE rev > ?1;

-- name: prospect-keys-of
-- The keys of prospect ?1 (to check a candidate of the in-memory keys).
SELECT email, phone FROM prospects WHERE id = ?1;

-- name: prospect-oldest-id-by-phone
-- The oldest prospect with this phone (the exact look-up behind the in-memory keys).
SELECT id FROM prospects WHERE phone = ?1 ORDER BY id LIMIT 1;

-- name: prospect-get-for-import
-- One prospect by id, with the columns of prospect-get-by-email (duplicates in imports).
SELECT id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region,
  country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at
FROM prospects WHERE id = ?1;

-- name: prospect-email-taken
-- Another prospect than ?2 with e-mail ?1 (the unique rule, checked by hand while a bulk load
-- defers the unique index: a full scan, run inside the writer's transaction).
SELECT id FROM prospects WHERE email = ?1 AND id <> ?2 LIMIT 1;
