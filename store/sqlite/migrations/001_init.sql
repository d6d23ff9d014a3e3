-- Accounts, sessions, API tokens, prospects and their tags, with the full-text index.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE prospects (
  id              INTEGER PRIMARY KEY,
  first_name      TEXT,
  last_name       TEXT,
  email           TEXT,
  phone           TEXT,
  company         TEXT,
  job_title       TEXT,
  sector          TEXT,
  city            TEXT,
  postal_code     TEXT,
  region          TEXT,
  country         TEXT NOT NULL DEFAULT 'FR',
  company_size    TEXT,
  employees       INTEGER,
  annual_revenue  REAL,
  source          TEXT,
  status          TEXT NOT NULL DEFAULT 'new',
  owner           TEXT,
  notes           TEXT,
  custom_fields   TEXT NOT NULL DEFAULT '{}',  -- JSON object of text values
  opted_out       INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  last_contact_at INTEGER
);
CREATE UNIQUE INDEX prospects_email ON prospects (email) WHERE email IS NOT NULL;
CREATE INDEX prospects_phone ON prospects (phone) WHERE phone IS NOT NULL;
-- The list's filters, each with the default sort, so a filtered page reads ~per_page rows.
CREATE INDEX prospects_created ON prospects (created_at);
CREATE INDEX prospects_status ON prospects (status, created_at);
CREATE INDEX prospects_sector ON prospects (sector, created_at);
CREATE INDEX prospects_region ON prospects (region, created_at);
CREATE INDEX prospects_city ON prospects (city, created_at);
CREATE INDEX prospects_company_size ON prospects (company_size, created_at);
CREATE INDEX prospects_owner ON prospects (owner, created_at);
CREATE INDEX prospects_source ON prospects (source, created_at);

CREATE TABLE prospect_tags (
  tag         TEXT NOT NULL,
  prospect_id INTEGER NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, prospect_id)
) WITHOUT ROWID;
CREATE INDEX prospect_tags_prospect ON prospect_tags (prospect_id, tag);

CREATE VIRTUAL TABLE prospects_fts USING fts5 (
  first_name, last_name, company, email, job_title, city,
  content = 'prospects', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER prospects_fts_insert AFTER INSERT ON prospects BEGIN
  INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
  VALUES (new.id, new.first_name, new.last_name, new.company, new.email, new.job_title, new.city);
END;
CREATE TRIGGER prospects_fts_delete AFTER DELETE ON prospects BEGIN
  INSERT INTO prospects_fts (prospects_fts, rowid, first_name, last_name, company, email, job_title, city)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.company, old.email, old.job_title, old.city);
END;
CREATE TRIGGER prospects_fts_update AFTER UPDATE OF first_name, last_name, company, email, job_title, city
ON prospects BEGIN
  INSERT INTO prospects_fts (prospects_fts, rowid, first_name, last_name, company, email, job_title, city)
  VALUES ('delete', old.id, old.first_name, old.last_name, old.company, old.email, old.job_title, old.city);
  INSERT INTO prospects_fts (rowid, first_name, last_name, company, email, job_title, city)
  VALUES (new.id, new.first_name, new.last_name, new.company, new.email, new.job_title, new.city);
END;

-- Bumped by every transaction that changes prospects: caches of counts and facets compare it.
CREATE TABLE data_versions (
  name    TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_versions (name, version) VALUES ('prospects', 0);
