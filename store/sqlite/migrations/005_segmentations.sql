-- Segmentations: k-means runs over the prospects of a filter, their segments, and the segment
-- of each prospect in the applied run (one run at a time).

CREATE TABLE segmentations (
  id         INTEGER PRIMARY KEY,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  name       TEXT NOT NULL,
  params     TEXT NOT NULL,                -- JSON: filter, fields, k, seed
  job_id     INTEGER REFERENCES jobs (id) ON DELETE SET NULL,  -- the latest job (fit or apply)
  state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready')),
  result     TEXT NOT NULL DEFAULT '{}',   -- JSON, once ready
  model      TEXT NOT NULL DEFAULT '',     -- JSON: fitted encoding and centroids
  applied_at INTEGER,                      -- the applied run only
  created_at INTEGER NOT NULL
);
CREATE INDEX segmentations_created_by ON segmentations (created_by, id);

CREATE TABLE segments (
  id              INTEGER PRIMARY KEY,
  segmentation_id INTEGER NOT NULL REFERENCES segmentations (id) ON DELETE CASCADE,
  idx             INTEGER NOT NULL,
  auto_name       TEXT NOT NULL,
  name            TEXT,                    -- NULL: auto_name
  description     TEXT NOT NULL DEFAULT '',
  size            INTEGER NOT NULL,
  profile         TEXT NOT NULL DEFAULT '{}',
  UNIQUE (segmentation_id, idx)
);

-- Kept apart from prospects: writing a million segment ids appends to this small table in id
-- order instead of rewriting every prospect row and its indexes.
CREATE TABLE prospect_segments (
  prospect_id INTEGER PRIMARY KEY REFERENCES prospects (id) ON DELETE CASCADE,
  segment_id  INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE
);
CREATE INDEX prospect_segments_segment ON prospect_segments (segment_id, prospect_id);
