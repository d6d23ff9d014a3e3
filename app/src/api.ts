// All HTTP to the MimiCom API goes through this module. It speaks the /api/v1 envelope
// ({"data"} / {"error"}), keeps the CSRF token that every non-GET request must carry,
// and sends the user back to /login when the session is gone (401).
import type { Prospect, ProspectInput, ProspectQuery, Facets, BulkRequest } from './models/prospect';
import { queryToParams } from './models/prospect';

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

  let payload: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }

  if (!res.ok) {
    const err = (payload as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error;
    const retry = res.headers.get('Retry-After');
    const retryAfter = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry) : null;
    const apiError = new ApiError(
      res.status,
      err?.code ?? String(res.status),
      err?.message ?? res.statusText,
      Array.isArray(err?.fields) ? err.fields : [],
      retryAfter,
    );
    if (res.status === 401) {
      csrfToken = null;
      if (!opts.no401Redirect) onUnauthorized();
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
