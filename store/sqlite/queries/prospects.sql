-- The list, count, bulk and facet queries are built from the filter at run time (see
-- sqlite_store.cpp: only whitelisted column names, values always bound).

-- name: prospect-insert
-- Inserts one prospect; the unique email index reports a duplicate. ?24 is the transaction's
-- version (data-version-bump's): bound, not read in a subquery for every row (~0.5 µs a row).
INSERT INTO prospects (first_name, last_name, email, phone, company, job_title, sector, city, postal_code,
  region, country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at, rev)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24);

-- name: prospect-insert-or-skip
-- Inserts one prospect unless its email exists already (bulk loads).
INSERT INTO prospects (first_name, last_name, email, phone, company, job_title, sector, city, postal_code,
  region, country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at, rev)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)
ON CONFLICT DO NOTHING;

-- name: prospect-update
-- Rewrites every field of prospect ?24.
UPDATE prospects SET first_name = ?1, last_name = ?2, email = ?3, phone = ?4, company = ?5, job_title = ?6,
  sector = ?7, city = ?8, postal_code = ?9, region = ?10, country = ?11, company_size = ?12, employees = ?13,
  annual_revenue = ?14, source = ?15, status = ?16, owner = ?17, notes = ?18, custom_fields = ?19,
  opted_out = ?20, created_at = ?21, updated_at = ?22, last_contact_at = ?23,
  rev = (SELECT version FROM data_versions WHERE name = 'prospects')
WHERE id = ?24;

-- name: prospect-get
-- One prospect by id (the columns in the order read_prospect expects).
SELECT id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region,
  country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields,
  opted_out, created_at, updated_at, last_contact_at,
  (SELECT segment_id FROM prospect_segments WHERE prospect_id = prospects.id)
FROM prospects WHERE id = ?1;

-- name: prospect-delete
-- Deletes one prospect (its tags go with it).
DELETE FROM prospects WHERE id = ?1;

-- name: prospect-tags
-- The tags of one prospect, sorted.
SELECT tag FROM prospect_tags WHERE prospect_id = ?1 ORDER BY tag;

-- name: prospect-tags-range
-- The tags of prospects ?1..?2, by prospect then tag (exports read them a chunk at a time).
SELECT prospect_id, tag FROM prospect_tags WHERE prospect_id BETWEEN ?1 AND ?2 ORDER BY prospect_id, tag;

-- name: prospect-tag-add
-- Gives a tag to a prospect (idempotent).
INSERT OR IGNORE INTO prospect_tags (tag, prospect_id) VALUES (?2, ?1);

-- name: prospect-tags-clear
-- Removes every tag of a prospect (before rewriting them).
DELETE FROM prospect_tags WHERE prospect_id = ?1;

-- name: data-version
-- The change counter of a data set (caches compare it).
SELECT version FROM data_versions WHERE name = ?1;

-- name: data-version-bump
-- Marks a data set changed; runs first in each writing transaction (rows written after it
-- take the new version as their `rev`: see migrations/003).
UPDATE data_versions SET version = version + 1 WHERE name = ?1 RETURNING version;

-- name: prospect-id-by-email
-- Whether a prospect has this e-mail (duplicates in imports).
SELECT id FROM prospects WHERE email = ?1;

-- name: prospect-id-by-phone
-- A prospect with this phone, for duplicates among prospects that have no email.
SELECT id FROM prospects WHERE phone = ?1 LIMIT 1;

-- name: bulk-mode-set
-- Marks prospects with ids from ?1 on as not yet full-text indexed (0: all are), inside the
-- current transaction.
UPDATE bulk_mode SET unindexed_from = ?1 WHERE id = 1;

-- name: prospect-max-id
-- The highest prospect id (rows a bulk load adds come after it).
SELECT coalesce(max(id), 0) FROM prospects;

-- name: prospect-fts-insert-trigger
-- The statement that creates the full-text insert trigger (bulk loads drop it for a batch).
SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'prospects_fts_insert';

-- name: prospect-fts-add-range
-- Indexes for full-text search the prospects with ids above ?1 (those a bulk load added, with
-- their values at the end of the load).
INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
SELECT id, first_name, last_name, company, email, job_title, city FROM prospects WHERE id > ?1;

-- name: search-backlog-from
-- The first prospect id not yet in the full-text index (0: every prospect is in it).
SELECT unindexed_from FROM bulk_mode WHERE id = 1;

-- name: prospect-fts-add-between
-- Indexes for full-text search the prospects with ids in [?1, ?2) (a chunk of the catch-up).
INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
SELECT id, first_name, last_name, company, email, job_title, city FROM prospects WHERE id >= ?1 AND id < ?2;

-- name: prospect-id-from
-- The first prospect id from ?1 on, if any (whether the catch-up has rows left).
SELECT id FROM prospects WHERE id >= ?1 ORDER BY id LIMIT 1;

-- name: deferred-index-count
-- How many indexes a load still defers.
SELECT count(*) FROM deferred_indexes;

-- name: prospect-fts-merge
-- A step of merging the full-text index's segments into one: ?1 is minus the pages to write
-- (negative: segments of every level, as 'optimize' does). See compact_search_index.
INSERT INTO prospects_fts (prospects_fts, rank) VALUES ('merge', ?1);

-- name: prospect-fts-automerge
-- FTS5's automatic merging of index segments (persistent): 0 while the catch-up writes its
-- chunks, back to FTS5's default (4) with the last one.
INSERT INTO prospects_fts (prospects_fts, rank) VALUES ('automerge', ?1);
