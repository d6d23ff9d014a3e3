// A compact multi-choice filter: a button that opens a list of checkboxes (value + count).
import { useEffect, useRef, useState } from 'react';
import { t } from '../i18n';

export interface FacetOption {
  value: string;
  label: string;
  count?: number;
}

export function FacetFilter({ name, label, options, selected, onChange }: {
  name: string;
  label: string;
  options: FacetOption[];
  selected: string[];
  onChange: (values: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  // A value in the URL that the facets do not list (yet) still shows, so it can be unticked.
  const all = [...options];
  for (const v of selected) if (!all.some((o) => o.value === v)) all.push({ value: v, label: v });

  const summary =
    selected.length === 0
      ? t('filter.all')
      : selected.length === 1
        ? (all.find((o) => o.value === selected[0])?.label ?? selected[0])
        : t('filter.nSelected', { n: selected.length });

  const toggle = (v: string) => onChange(selected.includes(v) ? selected.filter((s) => s !== v) : [...selected, v]);

  return (
    <div className={`facet ${selected.length ? 'facet-active' : ''}`} ref={root} data-filter={name}>
      <button type="button" className="facet-button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen((o) => !o)}>
        <span className="facet-label">{label}</span>
        <span className="facet-summary">{summary}</span>
        <span aria-hidden="true" className="caret">▾</span>
      </button>
      {open && (
        <div className="facet-pop" role="group" aria-label={label}>
          {all.length === 0 && <div className="muted facet-empty">{t('filter.none')}</div>}
          {all.map((o) => (
            <label key={o.value} className="facet-option">
              <input type="checkbox" checked={selected.includes(o.value)} onChange={() => toggle(o.value)} />
              <span className="facet-option-label">{o.label}</span>
              {o.count !== undefined && <span className="facet-count">{o.count}</span>}
            </label>
          ))}
          {selected.length > 0 && (
            <button type="button" className="btn btn-ghost btn-small facet-clear" onClick={() => onChange([])}>
              {t('filter.clear')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
