// A day filter chip (a date input, YYYY-MM-DD) beside the facet filters; it reports a whole
// valid day, or '' when emptied, never a half-typed date.
import { validDay } from '../models/prospect';

export function DayFilter({ name, label, value, onChange }: { name: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label className={`facet facet-input facet-date ${value ? 'facet-active' : ''}`} data-filter={name}>
      <span className="facet-label">{label}</span>
      <input
        type="date"
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          if (v === '' || validDay(v)) onChange(v);
        }}
      />
    </label>
  );
}
