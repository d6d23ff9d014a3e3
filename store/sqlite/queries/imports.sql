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
