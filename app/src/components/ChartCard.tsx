// A chart's card, as the dashboard and the segmentation page show them: a title, a one-line
// summary, the canvas, and a table of the same numbers that screen readers read instead of
// the canvas and that anyone can show in its place. Also what chart options share: escaping
// user text for HTML tooltips, and knowing whether the screen is phone-sized.
import { createContext, useContext, useId, useState, useSyncExternalStore, type ReactNode } from 'react';
import { t } from '../i18n';
import { Link } from '../router';

/** Chart tooltips are HTML: values typed by users must not become markup. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NARROW = '(max-width: 600px)';

/** True on a phone-sized screen, where chart labels get shorter; follows the window. */
export function useNarrow(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const m = window.matchMedia(NARROW);
      m.addEventListener('change', changed);
      return () => m.removeEventListener('change', changed);
    },
    () => window.matchMedia(NARROW).matches,
  );
}

/** Whether the card shows its table (true) or its chart, the table then being for screen readers only. */
const TableShown = createContext(false);

/**
 * A link in a chart's table. While the chart is shown, the table's links stay out of the Tab
 * order (a weekly table can hold 156 of them); screen readers still reach them in the table,
 * and "Voir le tableau" makes them visible and tabbable.
 */
export function TableLink({ href, children }: { href: string; children: ReactNode }) {
  const shown = useContext(TableShown);
  return (
    <Link href={href} tabIndex={shown ? undefined : -1}>
      {children}
    </Link>
  );
}

/**
 * A titled chart with its one-line summary and its table. The table is always in the page
 * (read by screen readers); "Voir le tableau" shows it instead of the canvas.
 */
export function ChartCard({ id, title, summary, help, actions, chart, table, notes, className = '' }: {
  id: string;
  title: string;
  summary: string;
  help?: ReactNode;
  actions?: ReactNode;
  chart: ReactNode;
  table: ReactNode;
  notes?: ReactNode;
  className?: string;
}) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  return (
    <section className={`chart-card ${className}`} aria-labelledby={titleId} data-chart={id}>
      <div className="chart-head">
        <h2 id={titleId}>{title}</h2>
        <div className="spacer" />
        {actions}
        <button type="button" className="btn btn-ghost btn-small chart-toggle" onClick={() => setAsTable((v) => !v)}>
          {asTable ? t('dashboard.showChart') : t('dashboard.showTable')}
        </button>
      </div>
      <p className="chart-summary" data-testid={`summary-${id}`}>
        {summary}
      </p>
      {!asTable && chart}
      <div className={asTable ? 'chart-table' : 'chart-table visually-hidden'}>
        <TableShown.Provider value={asTable}>{table}</TableShown.Provider>
      </div>
      {(notes || (help && !asTable)) && (
        <div className="chart-notes">
          {help && !asTable && <span>{help}</span>}
          {notes}
        </div>
      )}
    </section>
  );
}
