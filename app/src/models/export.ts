// An export as the API returns it (GET /exports, /exports/{id}), and what a new one asks for.
import type { Job } from './job';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The core columns in their default order (core/exports.cpp); custom fields are "custom:<name>". */
export const EXPORT_COLUMNS = [
  'id', 'first_name', 'last_name', 'email', 'phone', 'company', 'job_title', 'sector', 'city', 'postal_code',
  'region', 'country', 'company_size', 'employees', 'annual_revenue', 'source', 'status', 'owner', 'notes', 'tags',
  'opted_out', 'created_at', 'updated_at', 'last_contact_at',
] as const;

/** queued, running, failed, cancelled: the job's state; ready: downloadable; expired: deleted. */
export type ExportState = 'queued' | 'running' | 'failed' | 'cancelled' | 'ready' | 'expired';

export interface ExportFile {
  id: number;
  format: ExportFormat;
  columns: string[];
  filter: Record<string, string>;
  options: { bom?: boolean; separator?: string };
  state: ExportState;
  file_name: string;
  size: number;
  rows: number;
  created_at: string;
  expires_at: string | null;
  download_url: string | null;
  created_by: number | null;
  job: Job | null;
}

export interface ExportRequest {
  format: ExportFormat;
  columns?: string[];
  filter?: Record<string, string>;
  ids?: number[];
  bom?: boolean;
  separator?: ',' | ';';
}

export function exportPending(e: ExportFile): boolean {
  return e.state === 'queued' || e.state === 'running';
}
