// A segmentation run as the API returns it (GET /segmentations, /segmentations/{id}): its
// parameters, its job, its quality and its segments; what a new run asks for; and the
// page's own URL state (/segmentation, ?run=3, ?compare=3,5, ?from=3 with a prospects filter).
import type { Job } from './job';
import { isActive } from './job';
import { COMPANY_SIZES, STATUSES, parseQuery, queryToBulkFilter, type ProspectQuery } from './prospect';

export const SEGMENTATION_STATES = ['queued', 'running', 'ready', 'failed', 'cancelled'] as const;
export type SegmentationState = (typeof SEGMENTATION_STATES)[number];

export type Quality = 'good' | 'fair' | 'weak';

/** The API's grading of a silhouette (also used when a run carries a silhouette but no grade). */
export const QUALITY_GOOD = 0.5;
export const QUALITY_FAIR = 0.25;

/** The number of segments an automatic run tries, and the smallest base it accepts. */
export const AUTO_K_MIN = 2;
export const AUTO_K_MAX = 12;
export const AUTO_MIN_ROWS = 20;
/** The number of segments a user may ask for. */
export const K_MIN = 2;
export const K_MAX = 20;
export const DEFAULT_K = 4;

/** Characters of a segment's name, of a run's name (the API's limits). */
export const NAME_MAX = 80;
export const RUN_NAME_MAX = 120;
export const DESCRIPTION_MAX = 500;

export type FeatureKind = 'category' | 'tags' | 'number' | 'text';

export interface Feature {
  /** sector, region, company_size, source, status, tags, annual_revenue, employees, job_title or custom_fields.NAME */
  field: string;
  kind: FeatureKind;
  default: boolean;
}

export interface SegmentationParams {
  /** GET /prospects parameters, canonical. */
  filter: Record<string, string>;
  fields: string[];
  /** null: automatic. */
  k: number | null;
  seed: number;
}

export interface Trait {
  field: string;
  /** null (or '') when the trait is "no value" for the field. */
  value: string | null;
  share: number;
  base_share: number;
  lift: number;
}

export interface SegmentNumber {
  field: string;
  median: number | null;
  base_median: number | null;
}

export interface SegmentWord {
  word: string;
  share: number;
  base_share: number;
  lift: number;
}

export interface Segment {
  /** Global id: the prospects filter takes segment=ID. */
  id: number;
  /** 0..k-1, the colour of the segment in every chart. */
  index: number;
  /** The user's name, or auto_name when never edited. */
  name: string;
  auto_name: string;
  description: string;
  size: number;
  share: number;
  traits: Trait[];
  numbers: SegmentNumber[];
  words: SegmentWord[];
}

export interface KScore {
  k: number;
  silhouette: number;
}

export interface Point {
  x: number;
  y: number;
  segment: number;
}

export interface Segmentation {
  id: number;
  name: string;
  state: SegmentationState;
  created_at: string;
  created_by: number | null;
  params: SegmentationParams;
  /** The latest job of the run: the fit, or a later "apply". */
  job: Job | null;
  k: number | null;
  rows: number;
  silhouette: number | null;
  quality: Quality | null;
  k_scores: KScore[];
  applied: boolean;
  applied_at: string | null;
  segments: Segment[];
  /** Only from GET /segmentations/{id}: the PCA plane of a sample of the prospects. */
  points?: Point[];
  centroids_2d?: { x: number; y: number }[];
}

export interface SegmentationRequest {
  name?: string;
  filter?: Record<string, string>;
  fields: string[];
  k: number | 'auto';
  seed?: number;
}

export interface SegmentPatch {
  /** '' or null goes back to the generated name. */
  name?: string | null;
  description?: string;
}

// --- reading a run ----------------------------------------------------------------------

/** Whether the run is still being computed (its fit job queued or running). */
export function isComputing(s: Pick<Segmentation, 'state'>): boolean {
  return s.state === 'queued' || s.state === 'running';
}

/** Whether a job of the run (the fit, or an apply) is still at work: the page follows it. */
export function hasActiveJob(s: Pick<Segmentation, 'state' | 'job'>): boolean {
  return isComputing(s) || (s.job !== null && isActive(s.job));
}

/** The run's grade: the API's, or derived from the silhouette with the API's thresholds. */
export function qualityOf(s: Pick<Segmentation, 'quality' | 'silhouette'>): Quality | null {
  if (s.quality) return s.quality;
  if (s.silhouette === null || s.silhouette === undefined) return null;
  return s.silhouette >= QUALITY_GOOD ? 'good' : s.silhouette >= QUALITY_FAIR ? 'fair' : 'weak';
}

/** An automatic run (the backend chose k). */
export function isAutomatic(s: Pick<Segmentation, 'params'>): boolean {
  return s.params.k === null || s.params.k === undefined;
}

/** The tried k with the best silhouette (the one an automatic run keeps). */
export function bestK(scores: KScore[]): number | null {
  let best: KScore | null = null;
  for (const s of scores) if (!best || s.silhouette > best.silhouette) best = s;
  return best?.k ?? null;
}

export const CUSTOM_PREFIX = 'custom_fields.';

export function isCustomField(field: string): boolean {
  return field.startsWith(CUSTOM_PREFIX);
}

export function customFieldName(field: string): string {
  return field.slice(CUSTOM_PREFIX.length);
}

/** The kind of a field chosen by a run when the feature list does not tell it. */
export function fieldKind(field: string): FeatureKind {
  if (field === 'tags') return 'tags';
  if (field === 'job_title') return 'text';
  if (field === 'annual_revenue' || field === 'employees' || isCustomField(field)) return 'number';
  return 'category';
}

/** Whether a trait value is a translated code (company size, status) rather than the user's text. */
export function codedValue(field: string, value: string): 'size' | 'status' | null {
  if (field === 'company_size' && (COMPANY_SIZES as readonly string[]).includes(value)) return 'size';
  if (field === 'status' && (STATUSES as readonly string[]).includes(value)) return 'status';
  return null;
}

/** The segments in index order (the colour order), whatever order the API sent. */
export function byIndex(segments: Segment[]): Segment[] {
  return [...segments].sort((a, b) => a.index - b.index);
}

/** The prospects of one segment of the applied run. */
export function segmentProspectsHref(segmentId: number): string {
  return `/prospects?segment=${segmentId}`;
}

// --- the page URL -------------------------------------------------------------------------

export type SegmentationView =
  | { kind: 'new'; from: number | null; query: ProspectQuery }
  | { kind: 'run'; id: number }
  | { kind: 'compare'; ids: [number, number] };

function positiveId(v: string | null): number | null {
  if (v === null || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * /segmentation?run=3 shows a run; ?compare=3,5 two runs side by side; anything else the
 * form of a new run, whose prospects filter is the prospect list's own parameters (so a
 * filtered list can link here) and `from=3` takes the fields and k of run 3.
 */
export function parseSegmentationView(search: string): SegmentationView {
  const p = new URLSearchParams(search);
  const run = positiveId(p.get('run'));
  if (run !== null) return { kind: 'run', id: run };
  const compare = (p.get('compare') ?? '').split(',').map((s) => positiveId(s.trim()));
  if (compare.length === 2 && compare[0] !== null && compare[1] !== null && compare[0] !== compare[1]) {
    return { kind: 'compare', ids: [compare[0], compare[1]] };
  }
  return { kind: 'new', from: positiveId(p.get('from')), query: parseQuery(search) };
}

/** The name the API gives a run started without one (api/routers/segmentations.cpp): "Segmentation du 2026-12-01 09:12" (UTC). */
export function defaultRunName(now: Date = new Date()): string {
  const iso = now.toISOString();
  return `Segmentation du ${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function runHref(id: number): string {
  return `/segmentation?run=${id}`;
}

export function compareHref(a: number, b: number): string {
  return `/segmentation?compare=${a},${b}`;
}

/** The form of a new run on the prospects of `filter`, with the fields and k of run `from`. */
export function newRunHref(filter: Record<string, string> = {}, from: number | null = null): string {
  const p = new URLSearchParams(filter);
  if (from !== null) p.set('from', String(from));
  const qs = p.toString();
  return `/segmentation${qs ? `?${qs}` : ''}`;
}

/** The run's prospects filter from the form's query (the list's filter, without page or sort). */
export function runFilter(q: ProspectQuery): Record<string, string> {
  return queryToBulkFilter(q);
}
