// The prospect as the API returns it, and the list query that lives in the page URL
// (so a filtered view can be linked, e.g. /prospects?sector=Industrie&status=new&created_from=2026-01-01).

export const STATUSES = ['new', 'contacted', 'qualified', 'meeting', 'won', 'lost'] as const;
export type Status = (typeof STATUSES)[number];

export const COMPANY_SIZES = ['1-9', '10-49', '50-249', '250-999', '1000+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

export interface Prospect {
  id: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  job_title: string | null;
  sector: string | null;
  city: string | null;
  postal_code: string | null;
  region: string | null;
  country: string | null;
  company_size: CompanySize | null;
  employees: number | null;
  annual_revenue: number | null;
  source: string | null;
  status: Status;
  tags: string[];
  owner: string | null;
  notes: string | null;
  custom_fields: Record<string, string>;
  opted_out: boolean;
  created_at: string;
  updated_at: string;
  last_contact_at: string | null;
  /** The prospect's segment in the applied segmentation run (GET /segmentations), or null. */
  segment_id: number | null;
}

/** Body of POST /prospects and PATCH /prospects/{id} (PATCH: only changed keys). */
export type ProspectInput = Partial<Omit<Prospect, 'id' | 'created_at' | 'updated_at' | 'segment_id'>>;

export interface FacetValue {
  value: string;
  count: number;
}

export type FacetName = 'sector' | 'region' | 'source' | 'owner' | 'tags' | 'status' | 'company_size';
export type Facets = Partial<Record<FacetName, FacetValue[]>>;

/** The list filters; each multi-valued one is sent comma-separated (segment: segment ids of the applied run). */
export const FILTER_KEYS = ['status', 'sector', 'region', 'city', 'company_size', 'tags', 'owner', 'source', 'segment'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface ProspectQuery {
  page: number;
  per_page: number;
  sort: string;
  q: string;
  filters: Record<FilterKey, string[]>;
  /** Created on or after this day (YYYY-MM-DD), or ''. */
  created_from: string;
  /** Created before this day, excluded (YYYY-MM-DD), or ''. */
  created_to: string;
  /** Last contacted on or after this day (YYYY-MM-DD), or ''. */
  contacted_from: string;
  /** Last contacted before this day, excluded (YYYY-MM-DD), or ''. */
  contacted_to: string;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PER_PAGE = 50;
export const DEFAULT_SORT = '-created_at';

export const SORTABLE = new Set([
  'id', 'first_name', 'last_name', 'email', 'company', 'job_title', 'sector', 'city', 'postal_code', 'region',
  'company_size', 'employees', 'annual_revenue', 'source', 'status', 'owner', 'created_at', 'updated_at',
  'last_contact_at',
]);

function splitList(v: string | null): string[] {
  if (!v) return [];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A YYYY-MM-DD day that exists, or ''. */
export function validDay(v: string | null): string {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return '';
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : '';
}

function positiveInt(v: string | null, fallback: number): number {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Reads the list query from a URL query string; anything missing or invalid gets its default. */
export function parseQuery(search: string): ProspectQuery {
  const p = new URLSearchParams(search);
  const filters = {} as Record<FilterKey, string[]>;
  for (const k of FILTER_KEYS) filters[k] = splitList(p.get(k));
  const sort = p.get('sort') ?? '';
  return {
    page: positiveInt(p.get('page'), 1),
    per_page: Math.min(positiveInt(p.get('per_page'), DEFAULT_PER_PAGE), 500),
    sort: SORTABLE.has(sort.replace(/^-/, '')) ? sort : DEFAULT_SORT,
    q: p.get('q') ?? '',
    filters,
    created_from: validDay(p.get('created_from')),
    created_to: validDay(p.get('created_to')),
    contacted_from: validDay(p.get('contacted_from')),
    contacted_to: validDay(p.get('contacted_to')),
  };
}

/** The query as URL parameters: used both for the API call and for the page URL. */
export function queryToParams(q: ProspectQuery, omitDefaults = false): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q.trim()) p.set('q', q.q.trim());
  for (const k of FILTER_KEYS) if (q.filters[k].length) p.set(k, q.filters[k].join(','));
  if (q.created_from) p.set('created_from', q.created_from);
  if (q.created_to) p.set('created_to', q.created_to);
  if (q.contacted_from) p.set('contacted_from', q.contacted_from);
  if (q.contacted_to) p.set('contacted_to', q.contacted_to);
  if (!omitDefaults || q.sort !== DEFAULT_SORT) p.set('sort', q.sort);
  if (!omitDefaults || q.page !== 1) p.set('page', String(q.page));
  if (!omitDefaults || q.per_page !== DEFAULT_PER_PAGE) p.set('per_page', String(q.per_page));
  return p;
}

/** The filter part of the query, in the shape POST /prospects/bulk expects. */
export function queryToBulkFilter(q: ProspectQuery): Record<string, string> {
  const f: Record<string, string> = {};
  if (q.q.trim()) f.q = q.q.trim();
  for (const k of FILTER_KEYS) if (q.filters[k].length) f[k] = q.filters[k].join(',');
  if (q.created_from) f.created_from = q.created_from;
  if (q.created_to) f.created_to = q.created_to;
  if (q.contacted_from) f.contacted_from = q.contacted_from;
  if (q.contacted_to) f.contacted_to = q.contacted_to;
  return f;
}

export function hasFilters(q: ProspectQuery): boolean {
  return q.q.trim() !== '' || FILTER_KEYS.some((k) => q.filters[k].length > 0) || q.created_from !== '' || q.created_to !== '' ||
    q.contacted_from !== '' || q.contacted_to !== '';
}

export type BulkAction = 'set_status' | 'add_tag' | 'remove_tag' | 'delete';

export type BulkRequest =
  | { ids: number[]; action: BulkAction; value?: string }
  | { filter: Record<string, string>; action: BulkAction; value?: string };

export function displayName(p: Pick<Prospect, 'first_name' | 'last_name' | 'email' | 'phone'>): string {
  const name = [p.first_name, p.last_name].filter((s) => s && s.trim()).join(' ');
  return name || p.email || p.phone || '';
}

/** A stored E.164 phone as people write it: French numbers as "06 12 34 56 78", others grouped. */
export function formatPhone(phone: string | null): string {
  if (!phone) return '';
  const fr = /^\+33(\d{9})$/.exec(phone);
  if (fr) return ('0' + fr[1]).replace(/(\d{2})(?=\d)/g, '$1 ');
  return phone;
}
