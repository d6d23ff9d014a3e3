-- Jobs and their logs. Times are unix milliseconds.

-- name: job-create
-- A new queued job.
INSERT INTO jobs (type, params, state, unit, max_attempts, created_by, created_at, updated_at)
VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?6);

-- name: job-get
-- One job (the columns in the order read_job expects).
SELECT id, type, params, state, done, total, unit, checkpoint, attempt, max_attempts, worker, lease_until,
  heartbeat_at, cancel_requested, result, error, created_by, created_at, updated_at, started_at, finished_at
FROM jobs WHERE id = ?1;

-- name: job-fail-exhausted
-- Running jobs whose lease ran out max_attempts times in a row without progress: failed, with
-- the cause. (A crash after progress only resumes: it does not count.)
UPDATE jobs SET state = 'failed', worker = '', lease_until = 0, finished_at = ?1, updated_at = ?1,
  error = 'interrompu ' || max_attempts || ' fois de suite sans avancer (le programme qui l''exécutait s''est arrêté) : abandonné'
WHERE state = 'running' AND lease_until < ?1
  AND (CASE WHEN done > lease_done THEN 1 ELSE strikes + 1 END) >= max_attempts;

-- name: job-cancel-orphaned
-- Running jobs with a lost lease and a cancel request end cancelled instead of running again.
UPDATE jobs SET state = 'cancelled', worker = '', lease_until = 0, finished_at = ?1, updated_at = ?1
WHERE state = 'running' AND lease_until < ?1 AND cancel_requested = 1;

-- name: job-next
-- The job to run next: the oldest queued one, or a running one whose lease ran out.
SELECT id FROM jobs
WHERE (state = 'queued' OR (state = 'running' AND lease_until < ?1))
ORDER BY state = 'running' DESC, id LIMIT 1;

-- name: job-lease
-- Gives job ?1 to worker ?2 until ?3 (now ?4): one more attempt.
UPDATE jobs SET state = 'running', worker = ?2, lease_until = ?3, heartbeat_at = ?4, attempt = attempt + 1,
  strikes = CASE WHEN state = 'queued' THEN 0 WHEN done > lease_done THEN 1 ELSE strikes + 1 END,
  lease_done = done, started_at = coalesce(started_at, ?4), updated_at = ?4
WHERE id = ?1;

-- name: job-heartbeat
-- Renews the lease of attempt ?2 of job ?1 until ?3 (now ?4), with its progress.
UPDATE jobs SET lease_until = ?3, heartbeat_at = ?4, done = ?5, total = ?6, updated_at = ?4
WHERE id = ?1 AND attempt = ?2 AND state = 'running';

-- name: job-cancel-requested
-- Whether a cancel was asked for job ?1.
SELECT cancel_requested FROM jobs WHERE id = ?1;

-- name: job-checkpoint
-- Records the checkpoint and progress of attempt ?2 of job ?1 (now ?6).
UPDATE jobs SET checkpoint = ?3, done = ?4, total = ?5, heartbeat_at = ?6, updated_at = ?6
WHERE id = ?1 AND attempt = ?2 AND state = 'running';

-- name: job-finish
-- Ends attempt ?2 of job ?1 in state ?3 with its result and error (now ?6).
UPDATE jobs SET state = ?3, result = ?4, error = ?5, finished_at = ?6, updated_at = ?6, worker = '', lease_until = 0,
  done = CASE WHEN ?3 = 'succeeded' AND total > 0 THEN total ELSE done END
WHERE id = ?1 AND attempt = ?2 AND state = 'running';

-- name: job-cancel-queued
-- Cancels a job that has not started.
UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = ?2, updated_at = ?2
WHERE id = ?1 AND state = 'queued';

-- name: job-cancel-running
-- Asks the worker of a running job to stop (it sees it at its next heartbeat or step).
UPDATE jobs SET cancel_requested = 1, updated_at = ?2 WHERE id = ?1 AND state = 'running';

-- name: job-retry
-- Puts a failed or cancelled job back in the queue; it resumes from its checkpoint.
UPDATE jobs SET state = 'queued', attempt = 0, strikes = 0, cancel_requested = 0, error = '', result = '', worker = '',
  lease_until = 0, finished_at = NULL, updated_at = ?2
WHERE id = ?1 AND state IN ('failed', 'cancelled');

-- name: job-release
-- Gives back the lease of attempt ?2 of job ?1 without counting it (a worker shutting down).
UPDATE jobs SET state = 'queued', attempt = attempt - 1, worker = '', lease_until = 0, updated_at = ?3
WHERE id = ?1 AND attempt = ?2 AND state = 'running';

-- name: job-running-workers
-- Running jobs and who holds them (to reclaim the jobs of dead local processes).
SELECT id, worker FROM jobs WHERE state = 'running' AND lease_until >= ?1;

-- name: job-expire-lease
-- Ends the lease of job ?1 held by worker ?2 now (its process is gone).
UPDATE jobs SET lease_until = 0 WHERE id = ?1 AND worker = ?2 AND state = 'running';

-- name: job-log-add
-- Appends a log line to job ?1.
INSERT INTO job_logs (job_id, at, level, message) VALUES (?1, ?2, ?3, ?4);

-- name: job-logs
-- The log lines of job ?1 after line id ?2, oldest first.
SELECT id, job_id, at, level, message FROM job_logs WHERE job_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3;
