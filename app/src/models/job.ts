// A background job as the API returns it (GET /jobs, /jobs/{id}, the SSE "job" event), and
// the arithmetic the UI shows about it: share done, speed, time left, time taken.

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The job types the workers run (worker/tasks.cpp). */
export const JOB_TYPES = ['import', 'export', 'segmentation'] as const;

export interface JobProgress {
  done: number;
  total: number;
  /** What `done` counts: "octets" (bytes) for an import, "lignes", "e-mails"… */
  unit: string;
}

export interface Job {
  id: number;
  type: string;
  label: string;
  state: JobState;
  progress: JobProgress;
  attempt: number;
  max_attempts: number;
  cancel_requested: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  import_id?: number;
  export_id?: number;
  segmentation_id?: number;
}

export interface JobLog {
  id: number;
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface JobQuery {
  state: JobState | '';
  type: string;
  page: number;
}

export const JOBS_PER_PAGE = 50;

export function isActive(job: Pick<Job, 'state'>): boolean {
  return job.state === 'queued' || job.state === 'running';
}

export function canCancel(job: Pick<Job, 'state' | 'cancel_requested'>): boolean {
  return isActive(job) && !job.cancel_requested;
}

export function canRetry(job: Pick<Job, 'state'>): boolean {
  return job.state === 'failed' || job.state === 'cancelled';
}

/** The share done, 0…1, or null when the total is not known yet. */
export function fraction(job: Pick<Job, 'progress' | 'state'>): number | null {
  if (job.state === 'succeeded') return 1;
  const { done, total } = job.progress;
  if (total <= 0) return null;
  return Math.min(1, Math.max(0, done / total));
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/**
 * Seconds the job ran: start to end, or start to `now` while it runs. Times come from the
 * server; `now` is the browser's clock, so a running duration can be off by the clock skew.
 */
export function durationSeconds(job: Pick<Job, 'started_at' | 'finished_at' | 'state'>, now = Date.now()): number | null {
  const start = ms(job.started_at);
  if (Number.isNaN(start)) return null;
  const end = job.finished_at ? ms(job.finished_at) : job.state === 'running' ? now : NaN;
  if (Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

interface Sample {
  t: number; // the job's updated_at, server milliseconds
  done: number;
}

/**
 * Measures how fast running jobs advance from the successive states the UI receives (SSE
 * events or polls). Both ends of a measure are server times (updated_at), so the browser's
 * clock does not matter. The speed is taken over the last WINDOW_MS, so it follows a job
 * that speeds up or slows down; before two samples exist it is the average since the start.
 */
export class RateMeter {
  private static readonly WINDOW_MS = 10_000;
  private samples = new Map<number, { attempt: number; list: Sample[] }>();

  /** Records the job's current progress (call it with every new state received). */
  observe(job: Job): void {
    if (job.state !== 'running') {
      this.samples.delete(job.id);
      return;
    }
    const t = ms(job.updated_at);
    if (Number.isNaN(t)) return;
    let entry = this.samples.get(job.id);
    if (!entry || entry.attempt !== job.attempt) {
      entry = { attempt: job.attempt, list: [] };
      this.samples.set(job.id, entry);
    }
    const list = entry.list;
    const last = list[list.length - 1];
    if (last && (t <= last.t || job.progress.done < last.done)) {
      if (job.progress.done < last.done) list.length = 0; // restarted from an earlier checkpoint
      else return;
    }
    list.push({ t, done: job.progress.done });
    while (list.length > 2 && t - list[1].t >= RateMeter.WINDOW_MS) list.shift();
  }

  /** Units per second, or null when it cannot be told yet. */
  rate(job: Job): number | null {
    if (job.state !== 'running') return null;
    const list = this.samples.get(job.id)?.list ?? [];
    if (list.length >= 2) {
      const a = list[0];
      const b = list[list.length - 1];
      if (b.t > a.t) return (b.done - a.done) / ((b.t - a.t) / 1000);
    }
    // One sample: the average since the first start, only right on a first attempt.
    const start = ms(job.started_at);
    const t = ms(job.updated_at);
    if (job.attempt <= 1 && !Number.isNaN(start) && t > start && job.progress.done > 0) {
      return job.progress.done / ((t - start) / 1000);
    }
    return null;
  }

  /** Seconds left at the current speed, or null when unknown. */
  eta(job: Job): number | null {
    const r = this.rate(job);
    const { done, total } = job.progress;
    if (r === null || r <= 0 || total <= 0) return null;
    return Math.max(0, (total - done) / r);
  }
}

/** The job query of the page URL (/jobs?state=running&type=import&page=2). */
export function parseJobQuery(search: string): JobQuery {
  const p = new URLSearchParams(search);
  const state = p.get('state') ?? '';
  const page = Number(p.get('page'));
  return {
    state: (JOB_STATES as readonly string[]).includes(state) ? (state as JobState) : '',
    type: p.get('type') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function jobQueryToParams(q: JobQuery, omitDefaults = false): URLSearchParams {
  const p = new URLSearchParams();
  if (q.state) p.set('state', q.state);
  if (q.type) p.set('type', q.type);
  if (!omitDefaults || q.page !== 1) p.set('page', String(q.page));
  if (!omitDefaults) p.set('per_page', String(JOBS_PER_PAGE));
  return p;
}
