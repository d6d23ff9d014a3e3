// How the segmentation page says things: field names, values (translated codes, "not filled
// in"), a run's prospects filter, numbers of a segment, and each segment's colour. Every
// string here is plain text for React to render (never HTML).
import { formatDay, formatDecimal, formatEuros, formatNumber, t, type MessageKey } from '../i18n';
import { codedValue, customFieldName, isCustomField } from '../models/segmentation';

/** One colour per segment index, the same in every chart, legend and card (20 at most: k ≤ 20). */
const PALETTE = [
  '#2f5bd3', '#e07b16', '#18794e', '#c4321c', '#6d3fc4', '#0f7c8c', '#b0418f', '#7a6a12', '#5b6b8c', '#d4a017',
  '#1f9ed1', '#8c564b', '#59a14f', '#e377c2', '#4e4e4e', '#a3a318', '#17becf', '#9467bd', '#ff7f0e', '#393b79',
];

export function segmentColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

const FIELD_KEYS: Record<string, MessageKey> = {
  sector: 'field.sector',
  region: 'field.region',
  company_size: 'field.company_size',
  source: 'field.source',
  status: 'field.status',
  tags: 'field.tags',
  annual_revenue: 'seg.field.annual_revenue',
  employees: 'field.employees',
  job_title: 'seg.field.job_title',
  city: 'field.city',
  owner: 'field.owner',
  segment: 'filter.segment',
};

/** "Secteur", "Chiffre d'affaires", "Budget (champ personnalisé)"… */
export function fieldLabel(field: string): string {
  if (isCustomField(field)) return t('seg.field.custom', { name: customFieldName(field) });
  const key = FIELD_KEYS[field];
  return key ? t(key) : field;
}

/** A value of a field as people read it: sizes and statuses translated, an empty one "Non renseigné". */
export function valueLabel(field: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('seg.missing');
  const coded = codedValue(field, value);
  if (coded === 'size') return t(`size.${value}` as MessageKey);
  if (coded === 'status') return t(`status.${value}` as MessageKey);
  return value;
}

/** A median or any number of a field: revenue in euros, counts as whole numbers; none: "Non renseigné". */
export function numberLabel(field: string, n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return t('seg.missing');
  if (field === 'annual_revenue') return formatEuros(n);
  if (field === 'employees') return formatNumber(Math.round(n));
  return Math.abs(n) >= 100 ? formatNumber(Math.round(n)) : formatDecimal(n, 2);
}

export function liftLabel(lift: number): string {
  return `×${formatDecimal(lift, 1)}`;
}

export function silhouetteLabel(s: number | null | undefined): string {
  return s === null || s === undefined ? t('kpi.none') : formatDecimal(s, 2);
}

const DATE_KEYS: Record<string, MessageKey> = {
  created_from: 'filter.createdFrom',
  created_to: 'filter.createdTo',
  contacted_from: 'filter.contactedFrom',
  contacted_to: 'filter.contactedTo',
};

/** A run's prospects filter in words: "Secteur : Industrie, BTP · Région : Bretagne", or "Tous les prospects". */
export function filterLabel(filter: Record<string, string> | null | undefined): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(filter ?? {})) {
    if (raw === '') continue;
    if (key === 'q') parts.push(t('seg.filter.q', { q: raw }));
    else if (DATE_KEYS[key]) parts.push(`${t(DATE_KEYS[key])} ${formatDay(raw)}`);
    else if (key === 'segment') {
      parts.push(t('seg.pair', { label: t('filter.segment'), value: raw.split(',').map((id) => t('filter.segmentNumbered', { id })).join(', ') }));
    } else {
      parts.push(t('seg.pair', { label: fieldLabel(key), value: raw.split(',').map((v) => valueLabel(key, v)).join(', ') }));
    }
  }
  return parts.length ? parts.join(' · ') : t('seg.run.allProspects');
}
