// The dashboard's numbers as GET /kpis returns them, and the dashboard query that lives in
// the page URL (/dashboard?sector=Industrie&created_from=2026-01-01&period=month). The
// filters are the prospect list's own parameters, so a chart can open /prospects on
// exactly the prospects it counts.
import { STATUSES, validDay, type Status } from './prospect';

export interface CountedValue {
  value: string;
  count: number;
}

/** Prospects grouped by one field: the most frequent values (at most 50), the rest, and those without a value. */
export interface Breakdown {
  values: CountedValue[];
  others: number;
  missing: number;
}

export interface FunnelStage {
  status: Status;
  /** Prospects whose status is this stage. */
  count: number;
  /** Prospects at this stage or a later one (lost excluded). */
  reached: number;
  /** reached / the previous stage's reached; null for the first stage or after an empty one. */
  rate: number | null;
}

export interface Bucket {
  /** First day of the week (a Monday) or of the month, YYYY-MM-DD, UTC. */
  start: string;
  count: number;
}

export interface Share {
  count: number;
  share: number;
}

export const BREAKDOWN_KEYS = ['status', 'sector', 'region', 'company_size', 'source', 'owner'] as const;
export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];

export interface Kpis {
  total: number;
  funnel: { stages: FunnelStage[]; lost: number };
  by: Record<BreakdownKey, Breakdown>;
  new_per_week: Bucket[];
  new_per_month: Bucket[];
  contacted_per_week: Bucket[];
  quality: {
    missing_email: Share;
    missing_phone: Share;
    missing_company: Share;
    /** Finished imports of the whole base (not filtered). */
    imports: { files: number; rows: number; rejected: number; fixed: number };
  };
  /** The prospects' revision these numbers are exact for. */
  data_version: number;
}

/** The pipeline stages of the funnel (every status but "lost"), in order. */
export const FUNNEL_STAGES: readonly Status[] = STATUSES.filter((s) => s !== 'lost');

// --- the dashboard query ---------------------------------------------------------------

export const DASHBOARD_FILTERS = ['sector', 'region', 'owner', 'tags'] as const;
export type DashboardFilter = (typeof DASHBOARD_FILTERS)[number];
export type Period = 'week' | 'month';

export interface DashboardQuery {
  filters: Record<DashboardFilter, string[]>;
  /** Created on or after this day (YYYY-MM-DD), or ''. */
  created_from: string;
  /** Created before this day, excluded (YYYY-MM-DD), or '' — the API's meaning. */
  created_to: string;
  /** New prospects per week or per month. */
  period: Period;
}

function splitList(v: string | null): string[] {
  if (!v) return [];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseDashboardQuery(search: string): DashboardQuery {
  const p = new URLSearchParams(search);
  const filters = {} as Record<DashboardFilter, string[]>;
  for (const k of DASHBOARD_FILTERS) filters[k] = splitList(p.get(k));
  return {
    filters,
    created_from: validDay(p.get('created_from')),
    created_to: validDay(p.get('created_to')),
    period: p.get('period') === 'month' ? 'month' : 'week',
  };
}

/** The filter parameters, as GET /kpis and GET /prospects both take them. */
export function filterParams(q: DashboardQuery): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of DASHBOARD_FILTERS) if (q.filters[k].length) p.set(k, q.filters[k].join(','));
  if (q.created_from) p.set('created_from', q.created_from);
  if (q.created_to) p.set('created_to', q.created_to);
  return p;
}

/** The page URL of a dashboard query. */
export function dashboardHref(q: DashboardQuery): string {
  const p = filterParams(q);
  if (q.period !== 'week') p.set('period', q.period);
  const qs = p.toString();
  return `/dashboard${qs ? `?${qs}` : ''}`;
}

export function hasDashboardFilters(q: DashboardQuery): boolean {
  return DASHBOARD_FILTERS.some((k) => q.filters[k].length > 0) || q.created_from !== '' || q.created_to !== '';
}

/**
 * The prospect list of what a chart element counts: the dashboard's filters narrowed by
 * `narrow` (a field of the element replaces the dashboard's alternatives for that field,
 * which it is one of), and by a creation period intersected with the dashboard's.
 */
export function prospectsHref(
  q: DashboardQuery,
  narrow: Partial<Record<'status' | BreakdownKey, string[]>> = {},
  created?: { from: string; to: string },
  contacted?: { from: string; to: string },
): string {
  const p = filterParams(q);
  for (const [k, values] of Object.entries(narrow)) if (values?.length) p.set(k, values.join(','));
  if (created) {
    const from = q.created_from && q.created_from > created.from ? q.created_from : created.from;
    const to = q.created_to && q.created_to < created.to ? q.created_to : created.to;
    p.set('created_from', from);
    p.set('created_to', to);
  }
  if (contacted) {
    p.set('contacted_from', contacted.from);
    p.set('contacted_to', contacted.to);
  }
  return `/prospects?${p.toString()}`;
}

/** The statuses a funnel stage's "reached" counts: the stage and every later one but "lost". */
export function reachedStatuses(stage: Status): Status[] {
  const i = FUNNEL_STAGES.indexOf(stage);
  return i < 0 ? [stage] : FUNNEL_STAGES.slice(i);
}

/** The day after `bucket` ends: the next Monday, or the first day of the next month (UTC). */
export function bucketEnd(start: string, period: Period): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (period === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** reached(won) / reached(contacted): of the prospects contacted, the share won; null when none was contacted. */
export function conversionRate(k: Kpis): number | null {
  const reached = (s: Status) => k.funnel.stages.find((x) => x.status === s)?.reached ?? 0;
  const contacted = reached('contacted');
  return contacted > 0 ? reached('won') / contacted : null;
}
