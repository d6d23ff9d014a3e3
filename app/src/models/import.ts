// A CSV import as the API returns it (POST /imports, GET /imports/{id}), the column mapping
// the user edits, and the report of a finished import job.
import type { Job } from './job';

/** The prospect fields a column may fill, in the order the API lists them (its `fields`). */
export const IMPORT_FIELDS = [
  'first_name', 'last_name', 'email', 'phone', 'company', 'job_title', 'sector', 'city', 'postal_code', 'region',
  'country', 'company_size', 'employees', 'annual_revenue', 'source', 'status', 'notes', 'tags', 'owner', 'opted_out',
  'last_contact_at',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const DUPLICATE_POLICIES = ['skip', 'fill_empty', 'overwrite'] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

/** Column name → target: a field, "custom:<name>" (kept as a custom field) or "" (ignored). */
export type Mapping = Record<string, string>;

export interface ImportFile {
  id: number;
  file_name: string;
  size: number;
  encoding: string;
  separator: string;
  header: string[];
  mapping: Mapping;
  on_duplicate: DuplicatePolicy | null;
  created_at: string;
  job: Job | null;
  // Only on POST /imports and GET /imports/{id}, not in the list:
  preview?: string[][];
  problem?: string | null;
  fields?: string[];
}

/** The `result` of a succeeded import job. */
export interface ImportReport {
  rows: number;
  inserted: number;
  updated: number;
  duplicates_in_file: number;
  duplicates_existing: number;
  rejected: number;
  /** Values rewritten into their normal form (e-mail case, phone format, labels). */
  fixed: number;
  import_id: number;
  seconds: number;
}

export function importReport(job: Job | null): ImportReport | null {
  if (!job || job.state !== 'succeeded' || !job.result) return null;
  const r = job.result;
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  return {
    rows: n('rows'),
    inserted: n('inserted'),
    updated: n('updated'),
    duplicates_in_file: n('duplicates_in_file'),
    duplicates_existing: n('duplicates_existing'),
    rejected: n('rejected'),
    fixed: n('fixed'),
    import_id: n('import_id'),
    seconds: n('seconds'),
  };
}

const CUSTOM = 'custom:';
const MAX_CUSTOM_BYTES = 64; // the API's limit on a custom field name (UTF-8 bytes)

export function isCustom(target: string): boolean {
  return target.startsWith(CUSTOM);
}

export function customName(target: string): string {
  return target.slice(CUSTOM.length);
}

/** The "keep as a custom field" target of a column: named after it, cut to the API's limit. */
export function customTargetFor(column: string): string {
  let name = column.trim();
  const enc = new TextEncoder();
  while (enc.encode(name).length > MAX_CUSTOM_BYTES) name = Array.from(name).slice(0, -1).join('');
  return CUSTOM + name;
}

/** For each column whose target another column also has, those other columns (the API refuses this). */
export function conflictingColumns(header: string[], mapping: Mapping): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const column of header) {
    const target = mapping[column] ?? '';
    if (target) byTarget.set(target, [...(byTarget.get(target) ?? []), column]);
  }
  const conflicts = new Map<string, string[]>();
  for (const columns of byTarget.values()) {
    if (columns.length < 2) continue;
    for (const c of columns) conflicts.set(c, columns.filter((o) => o !== c));
  }
  return conflicts;
}

/** "point-virgule", "tabulation"… key of the separator's name, or null for another character. */
export function separatorKey(sep: string): 'semicolon' | 'comma' | 'tab' | 'pipe' | null {
  switch (sep) {
    case ';':
      return 'semicolon';
    case ',':
      return 'comma';
    case '\t':
      return 'tab';
    case '|':
      return 'pipe';
    default:
      return null;
  }
}
