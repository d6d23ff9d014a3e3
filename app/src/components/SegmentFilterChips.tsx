// The `segment` filter of the prospect list, shown as one removable chip per segment id,
// named after the segment: its name is looked up in the runs (the applied one first), or the
// chip says "Segment n° 17" when no run the user can see holds it.
import { useEffect, useState } from 'react';
import * as api from '../api';
import { t } from '../i18n';
import type { Segmentation } from '../models/segmentation';

/** Names of the segments of the runs the user can see (the newest 100), by segment id. */
async function segmentNames(signal: AbortSignal): Promise<Map<number, string>> {
  const { items } = await api.listSegmentations(1, 100, signal);
  const names = new Map<number, string>();
  // The applied run's names win: the filter only matches the applied run's segments.
  const ordered: Segmentation[] = [...items.filter((r) => r.applied), ...items.filter((r) => !r.applied)];
  for (const run of ordered) for (const s of run.segments ?? []) if (!names.has(s.id)) names.set(s.id, s.name);
  return names;
}

export function SegmentFilterChips({ ids, onChange }: { ids: string[]; onChange: (ids: string[]) => void }) {
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    if (!key) return;
    const ctrl = new AbortController();
    segmentNames(ctrl.signal).then(setNames, () => {
      // Without the runs, the chip shows the segment's number.
    });
    return () => ctrl.abort();
  }, [key]);
  if (!ids.length) return null;
  return (
    <>
      {ids.map((id) => {
        const name = names.get(Number(id));
        const label = name ?? t('filter.segmentNumbered', { id });
        return (
          <span key={id} className="facet facet-input facet-active segment-chip" data-filter="segment" data-segment-id={id}>
            <span className="facet-label">{t('filter.segment')}</span>
            <span className="facet-summary" data-testid="segment-chip-name" title={label}>
              {label}
            </span>
            <button type="button" className="chip-remove" aria-label={t('filter.removeSegment', { name: label })} onClick={() => onChange(ids.filter((x) => x !== id))}>
              ×
            </button>
          </span>
        );
      })}
    </>
  );
}
