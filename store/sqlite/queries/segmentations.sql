-- Segmentations, their segments and the prospects' segment in the applied run.

-- name: segmentation-create
-- Records a run (its fit job is created just after, in the same transaction).
INSERT INTO segmentations (created_by, name, params, created_at) VALUES (?1, ?2, ?3, ?4);

-- name: segmentation-set-job
-- Links a run to its latest job.
UPDATE segmentations SET job_id = ?2 WHERE id = ?1;

-- name: segmentation-get
-- One run (the columns in the order read_segmentation expects).
SELECT id, created_by, name, params, job_id, state, result, model, applied_at, created_at
FROM segmentations WHERE id = ?1;

-- name: segmentation-list
-- The newest runs, of one user (?1) or of everyone (?1 NULL), without their models.
SELECT id, created_by, name, params, job_id, state, result, '', applied_at, created_at
FROM segmentations WHERE ?1 IS NULL OR created_by = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3;

-- name: segmentation-count
-- How many runs segmentation-list pages through.
SELECT count(*) FROM segmentations WHERE ?1 IS NULL OR created_by = ?1;

-- name: segmentation-finish-fit
-- Marks run ?1 ready with its results and model, only while attempt ?5 of job ?4 runs it.
UPDATE segmentations SET state = 'ready', result = ?2, model = ?3
WHERE id = ?1 AND job_id IN (SELECT id FROM jobs WHERE id = ?4 AND attempt = ?5 AND state = 'running');

-- name: segment-clear
-- The segments of a run (a fit saved again after a resume replaces them).
DELETE FROM segments WHERE segmentation_id = ?1;

-- name: segment-insert
-- One segment of a run.
INSERT INTO segments (segmentation_id, idx, auto_name, name, description, size, profile)
VALUES (?1, ?2, ?3, NULL, '', ?4, ?5);

-- name: segment-list
-- The segments of a run, by index.
SELECT id, segmentation_id, idx, auto_name, name, description, size, profile
FROM segments WHERE segmentation_id = ?1 ORDER BY idx;

-- name: segment-get
-- One segment of a run.
SELECT id, segmentation_id, idx, auto_name, name, description, size, profile
FROM segments WHERE segmentation_id = ?1 AND id = ?2;

-- name: segment-rename
-- A user's name (?3, NULL: back to the generated one) and description (?4) of a segment.
UPDATE segments SET name = ?3, description = ?4 WHERE segmentation_id = ?1 AND id = ?2;

-- name: segmentation-unapply-all
-- No run is applied any more (the one being applied sets itself just after).
UPDATE segmentations SET applied_at = NULL WHERE applied_at IS NOT NULL;

-- name: segmentation-set-applied
-- Run ?1 is the applied one since ?2.
UPDATE segmentations SET applied_at = ?2 WHERE id = ?1;

-- name: prospect-segments-clear
-- Every prospect leaves its segment (a run is being applied, or the applied run deleted).
DELETE FROM prospect_segments;

-- name: segment-staging-tables
-- The pending assignments of runs being applied (write_segment_batch), one table each.
SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'segment_staging_[0-9]*';

-- name: segmentation-applying
-- 1 while run ?1 exists and its latest job is queued or running (its pending assignment is
-- still needed).
SELECT 1 FROM segmentations s JOIN jobs j ON j.id = s.job_id WHERE s.id = ?1 AND j.state IN ('queued', 'running');

-- name: segmentation-exists
SELECT 1 FROM segmentations WHERE id = ?1;

-- name: segmentation-delete
-- A run and (by cascade) its segments and its prospects' segment ids.
DELETE FROM segmentations WHERE id = ?1;

-- name: segmentation-job-check
-- 1 while attempt ?2 of job ?1 still runs it.
SELECT 1 FROM jobs WHERE id = ?1 AND attempt = ?2 AND state = 'running';
