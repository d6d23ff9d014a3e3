// All HTTP to the MimiCom API goes through this module. It speaks the /api/v1 envelope
// ({"data"} / {"error"}), keeps the CSRF token that every non-GET request must carry,
// and sends the user back to /login when the session is gone (401).
import type { Prospect, ProspectInput, ProspectQuery, Facets, BulkRequest } from './models/prospect';
import { queryToParams } from './models/prospect';
import type { DuplicatePolicy, ImportFile, Mapping } from './models/import';
import type { ExportFile, ExportRequest } from './models/export';
import type { Job, JobLog, JobQuery } from './models/job';
import { jobQueryToParams } from './models/job';
import type { DashboardQuery, Kpis } from './models/kpis';
import { filterParams } from './models/kpis';
import type { Feature, Segment, SegmentPatch, Segmentation, SegmentationRequest } from './models/segmentation';

const BASE = '/api/v1';

export interface User {
  id: number;
  email: string;
  role: string;
  name: string | null;
}

export interface Session {
  csrf_token: string;
  user: User;
}

export interface ListMeta {
  total: number;
  page: number;
  per_page: number;
}

export interface FieldError {
  field: string;
  message: string;
}

/** A failed call: HTTP status 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  /** Seconds from the Retry-After header (429), when given. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => window.location.assign('/login');

/** Installs what to do when a call answers 401 (the app navigates to /login). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

interface Envelope<T> {
  data: T;
  meta?: ListMeta;
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Let the caller handle 401 itself (login form, start-up session probe). */
  no401Redirect?: boolean;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Envelope<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'network error');
  }

  if (res.status === 204) return { data: undefined as T };
  return readEnvelope<T>(res.status, res.statusText, await res.text(), res.headers.get('Retry-After'), opts.no401Redirect);
}

/** The envelope of an answer, or the ApiError it carries (and the 401 redirect). */
function readEnvelope<T>(status: number, statusText: string, text: string, retry: string | null, no401Redirect = false): Envelope<T> {
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }

  if (status < 200 || status >= 300) {
    const err = (payload as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error;
    const retryAfter = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry) : null;
    const apiError = new ApiError(
      status,
      err?.code ?? String(status),
      err?.message ?? statusText,
      Array.isArray(err?.fields) ? err.fields : [],
      retryAfter,
    );
    if (status === 401) {
      csrfToken = null;
      if (!no401Redirect) onUnauthorized();
    }
    throw apiError;
  }
  return payload as Envelope<T>;
}

// --- auth ---------------------------------------------------------------------------

export async function login(email: string, password: string): Promise<Session> {
  const { data } = await request<Session>('POST', '/auth/login', { body: { email, password }, no401Redirect: true });
  csrfToken = data.csrf_token;
  return data;
}

export async function logout(): Promise<void> {
  try {
    await request('POST', '/auth/logout', { body: {}, no401Redirect: true });
  } finally {
    csrfToken = null;
  }
}

/** The current session, or null when nobody is logged in. */
export async function me(): Promise<Session | null> {
  try {
    const { data } = await request<Session>('GET', '/auth/me', { no401Redirect: true });
    csrfToken = data.csrf_token;
    return data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

// --- prospects ----------------------------------------------------------------------

export async function listProspects(query: ProspectQuery, signal?: AbortSignal): Promise<{ items: Prospect[]; meta: ListMeta }> {
  const params = queryToParams(query);
  const { data, meta } = await request<Prospect[]>('GET', `/prospects?${params}`, { signal });
  return { items: data, meta: meta ?? { total: data.length, page: query.page, per_page: query.per_page } };
}

export async function prospectFacets(signal?: AbortSignal): Promise<Facets> {
  return (await request<Facets>('GET', '/prospects/facets', { signal })).data;
}

export async function getProspect(id: number): Promise<Prospect> {
  return (await request<Prospect>('GET', `/prospects/${id}`)).data;
}

export async function createProspect(input: ProspectInput): Promise<Prospect> {
  return (await request<Prospect>('POST', '/prospects', { body: input })).data;
}

/** Partial update: only the keys present in `changes` are sent; null clears a field. */
export async function updateProspect(id: number, changes: ProspectInput): Promise<Prospect> {
  return (await request<Prospect>('PATCH', `/prospects/${id}`, { body: changes })).data;
}

export async function deleteProspect(id: number): Promise<void> {
  await request<void>('DELETE', `/prospects/${id}`);
}

export async function bulkProspects(req: BulkRequest): Promise<number> {
  return (await request<{ affected: number }>('POST', '/prospects/bulk', { body: req })).data.affected;
}

// --- KPIs ---------------------------------------------------------------------------

/** The dashboard's numbers for the prospects matching the query's filters (a bad filter is a 400/422). */
export async function getKpis(query: DashboardQuery, signal?: AbortSignal): Promise<Kpis> {
  return (await request<Kpis>('GET', `/kpis?${filterParams(query)}`, { signal })).data;
}

// --- imports ------------------------------------------------------------------------

/**
 * Sends a file to POST /imports as the raw body (the browser streams it from disk) and
 * reports the bytes sent. XMLHttpRequest, because fetch() cannot report upload progress.
 */
export function uploadImport(file: File, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<ImportFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/imports?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    // Not multipart: the server stores the body as it comes.
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      try {
        resolve(readEnvelope<ImportFile>(xhr.status, xhr.statusText, xhr.responseText, xhr.getResponseHeader('Retry-After')).data);
      } catch (e) {
        reject(e);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

export async function listImports(signal?: AbortSignal): Promise<ImportFile[]> {
  return (await request<ImportFile[]>('GET', '/imports', { signal })).data;
}

/** The largest file the server accepts (GET /imports tells it), so a too-large file is refused before it is sent. */
export async function maxUploadBytes(signal?: AbortSignal): Promise<number | null> {
  const { meta } = await request<ImportFile[]>('GET', '/imports', { signal });
  const v = (meta as unknown as { max_upload_bytes?: number } | undefined)?.max_upload_bytes;
  return typeof v === 'number' ? v : null;
}

export async function getImport(id: number, signal?: AbortSignal): Promise<ImportFile> {
  return (await request<ImportFile>('GET', `/imports/${id}`, { signal })).data;
}

/** Starts the import job; a refused mapping is a 422 with fields "mapping.<column>" or "mapping". */
export async function startImport(id: number, mapping: Mapping, onDuplicate: DuplicatePolicy): Promise<Job> {
  const body = { mapping, on_duplicate: onDuplicate };
  return (await request<{ job_id: number; import_id: number; job: Job }>('POST', `/imports/${id}/start`, { body })).data.job;
}

export function rejectedRowsUrl(importId: number): string {
  return `${BASE}/imports/${importId}/rejected.csv`;
}

// --- jobs ---------------------------------------------------------------------------

export async function listJobs(query: JobQuery, signal?: AbortSignal): Promise<{ items: Job[]; meta: ListMeta }> {
  const { data, meta } = await request<Job[]>('GET', `/jobs?${jobQueryToParams(query)}`, { signal });
  return { items: data, meta: meta ?? { total: data.length, page: query.page, per_page: data.length } };
}

export async function getJob(id: number, signal?: AbortSignal): Promise<Job> {
  return (await request<Job>('GET', `/jobs/${id}`, { signal })).data;
}

/** The job's log lines after line `after` (oldest first, at most 1000 a call). */
export async function jobLogs(id: number, after = 0, signal?: AbortSignal): Promise<JobLog[]> {
  return (await request<JobLog[]>('GET', `/jobs/${id}/logs?after=${after}`, { signal })).data;
}

export async function cancelJob(id: number): Promise<Job> {
  return (await request<Job>('POST', `/jobs/${id}/cancel`, { body: {} })).data;
}

export async function retryJob(id: number): Promise<Job> {
  return (await request<Job>('POST', `/jobs/${id}/retry`, { body: {} })).data;
}

/** The Server-Sent Events stream of a job ("job" and "log" events, until the job ends). */
export function jobEventsUrl(id: number): string {
  return `${BASE}/jobs/${id}/events`;
}

// ---- exports ----

export async function createExport(req: ExportRequest): Promise<{ export: ExportFile; job: Job }> {
  return (await request<{ export: ExportFile; job: Job }>('POST', '/exports', { body: req })).data;
}

export async function listExports(signal?: AbortSignal): Promise<ExportFile[]> {
  return (await request<ExportFile[]>('GET', '/exports', { signal })).data;
}

// --- segmentations ------------------------------------------------------------------

/** The fields a run can segment on (custom fields holding numbers included), with the default choice. */
export async function segmentationFeatures(signal?: AbortSignal): Promise<Feature[]> {
  return (await request<Feature[]>('GET', '/segmentations/features', { signal })).data;
}

/** Starts a run (202: queued, its job set); a refused input is a 422 naming fields, k, filter.<param>, name or rows. */
export async function createSegmentation(req: SegmentationRequest): Promise<Segmentation> {
  return (await request<Segmentation>('POST', '/segmentations', { body: req })).data;
}

/** The runs, newest first (without their points). */
export async function listSegmentations(page = 1, perPage = 50, signal?: AbortSignal): Promise<{ items: Segmentation[]; meta: ListMeta }> {
  const { data, meta } = await request<Segmentation[]>('GET', `/segmentations?page=${page}&per_page=${perPage}`, { signal });
  return { items: data, meta: meta ?? { total: data.length, page, per_page: perPage } };
}

/** One run, with the 2D points of its sample and its centroids. */
export async function getSegmentation(id: number, signal?: AbortSignal): Promise<Segmentation> {
  return (await request<Segmentation>('GET', `/segmentations/${id}`, { signal })).data;
}

/** Renames or describes a segment; name '' (or null) goes back to the generated name. */
export async function updateSegment(runId: number, segmentId: number, patch: SegmentPatch): Promise<Segment> {
  return (await request<Segment>('PATCH', `/segmentations/${runId}/segments/${segmentId}`, { body: patch })).data;
}

/** Writes the run's segment ids on its prospects (a job; 409 while the run is not ready). */
export async function applySegmentation(id: number): Promise<Segmentation> {
  return (await request<Segmentation>('POST', `/segmentations/${id}/apply`, { body: {} })).data;
}

export async function deleteSegmentation(id: number): Promise<void> {
  await request<void>('DELETE', `/segmentations/${id}`);
}

// --- users --------------------------------------------------------------------------

/** Every account (admins only). */
export async function listUsers(signal?: AbortSignal): Promise<User[]> {
  return (await request<User[]>('GET', '/users', { signal })).data;
}
