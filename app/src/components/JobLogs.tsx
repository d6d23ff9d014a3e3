// The log lines of a job, oldest first. It keeps the newest line in view while lines arrive,
// unless the reader has scrolled up to read older ones.
import { useLayoutEffect, useRef } from 'react';
import { t, useLang } from '../i18n';
import type { JobLog } from '../models/job';

const LEVELS: readonly string[] = ['info', 'warn', 'error'];

function timeOf(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString(lang === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function JobLogs({ logs, label, loaded = true }: { logs: JobLog[]; label: string; loaded?: boolean }) {
  const lang = useLang();
  const box = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [logs.length]);

  if (!logs.length) return <div className="job-logs-empty muted">{loaded ? t('jobs.noLogs') : t('app.loading')}</div>;
  return (
    <ol
      className="job-logs"
      ref={box}
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      }}
    >
      {logs.map((l) => (
        <li key={l.id} className={`log-${l.level}`}>
          <time dateTime={l.at}>{timeOf(l.at, lang)}</time>
          <span className="log-level">{LEVELS.includes(l.level) ? t(`log.${l.level}`) : l.level}</span>
          <span className="log-message">{l.message}</span>
        </li>
      ))}
    </ol>
  );
}
