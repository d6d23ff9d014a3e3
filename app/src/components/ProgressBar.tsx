// Progress bars: a plain one (a share from 0 to 1, or "indeterminate" when the total is not
// known), and the one of a job with what was done, its speed and the time left.
import type { ReactNode } from 'react';
import { formatBytes, formatDuration, formatNumber, formatPercent, t } from '../i18n';
import { fraction, isActive, type Job, type RateMeter } from '../models/job';

export function ProgressBar({ value, label, children, tone = 'primary' }: {
  /** 0…1, or null when the total is not known (an animated bar). */
  value: number | null;
  label: string;
  /** The line of text under the bar. */
  children?: ReactNode;
  tone?: 'primary' | 'success' | 'danger' | 'muted';
}) {
  const percent = value === null ? null : Math.round(value * 100);
  return (
    <div className={`progress progress-${tone}`}>
      <div
        className={`progress-track ${value === null ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="progress-fill" style={value === null ? undefined : { width: `${value * 100}%` }} />
      </div>
      {children !== undefined && <div className="progress-text">{children}</div>}
    </div>
  );
}

/** A quantity in the job's unit: bytes as "12 Mo", anything else as "1 234 lignes". */
export function formatAmount(n: number, unit: string): string {
  if (unit === 'octets' || unit === 'bytes') return formatBytes(n);
  return unit ? `${formatNumber(Math.round(n))} ${unit}` : formatNumber(Math.round(n));
}

/** The state of a job's progress in words: "45 % · 12 Mo sur 40 Mo · 3,1 Mo/s · reste environ 9 s". */
export function JobProgressBar({ job, meter, compact = false }: { job: Job; meter: RateMeter; compact?: boolean }) {
  // A job that ended before it measured anything has no progress to show.
  if (!isActive(job) && job.state !== 'succeeded' && job.progress.total <= 0) return null;
  const f = fraction(job);
  const { done, total, unit } = job.progress;
  const rate = meter.rate(job);
  const eta = meter.eta(job);
  const tone = job.state === 'succeeded' ? 'success' : job.state === 'failed' ? 'danger' : job.state === 'running' ? 'primary' : 'muted';
  // A job that counts in percent (a segmentation) has nothing to add to the percentage.
  const inPercent = unit === '%';
  const parts: string[] = [];
  if (job.state === 'running' && total <= 0 && done <= 0) parts.push(t('progress.starting'));
  if (inPercent) {
    // The percentage says it all.
  } else if (total > 0 && !(compact && job.state === 'succeeded')) parts.push(t('progress.of', { done: formatAmount(done, unit), total: formatAmount(total, unit) }));
  else if (done > 0 && total <= 0) parts.push(formatAmount(done, unit));
  if (rate !== null && rate > 0 && !inPercent) parts.push(t('progress.rate', { rate: formatAmount(rate, unit) }));
  if (eta !== null) parts.push(t('progress.eta', { time: formatDuration(eta) }));
  return (
    // An unknown total shows a moving bar only while something happens.
    <ProgressBar value={f ?? (job.state === 'running' ? null : 0)} label={t('progress.label')} tone={tone}>
      {f !== null && <strong className="progress-percent">{formatPercent(f)}</strong>}
      {parts.map((p) => (
        <span key={p}>{p}</span>
      ))}
    </ProgressBar>
  );
}
