// Every background job (imports today; clustering, generation, sending, exports later):
// newest first, filtered by state and type (kept in the URL), with live progress, speed and
// time left, cancel / retry, and each job's log. The list is read again every 2 s while a
// job in it is queued or running (every 5 s otherwise, to show jobs started elsewhere); an
// open log follows its job through Server-Sent Events.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { ListMeta } from '../api';
import { formatDateTime, formatDuration, formatNumber, t, tn, useLang, type MessageKey } from '../i18n';
import { importReport } from '../models/import';
import {
  JOB_STATES, JOB_TYPES, JOBS_PER_PAGE, RateMeter, canCancel, canRetry, durationSeconds, isActive, jobQueryToParams,
  parseJobQuery, type Job, type JobQuery,
} from '../models/job';
import { runHref } from '../models/segmentation';
import { Link, navigate, useLocation } from '../router';
import { JobLogs } from '../components/JobLogs';
import { JobProgressBar } from '../components/ProgressBar';
import { describeError } from '../components/errors';
import { useLiveJob } from '../components/useLiveJob';
import { usePolling } from '../components/usePolling';

const ACTIVE_POLL_MS = 2000;
const IDLE_POLL_MS = 5000;

/** The run a segmentation job works for: given beside the job, or in its result once it succeeded. */
function segmentationOf(job: Job): number | null {
  const id = job.segmentation_id ?? job.result?.segmentation_id;
  return typeof id === 'number' && id > 0 ? id : null;
}

function typeLabel(type: string): string {
  return (JOB_TYPES as readonly string[]).includes(type) ? t(`job.type.${type}` as MessageKey) : type;
}

export function Jobs() {
  useLang();
  const { search } = useLocation();
  const query = useMemo(() => parseJobQuery(search), [search]);
  const listKey = jobQueryToParams(query).toString();

  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [toast, setToast] = useState('');
  const [actionError, setActionError] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const meter = useRef(new RateMeter()).current;

  const setQuery = useCallback((patch: Partial<JobQuery>) => {
    const next = { ...parseJobQuery(window.location.search), ...patch };
    if (patch.page === undefined) next.page = 1;
    const qs = jobQueryToParams(next, true).toString();
    navigate(`/jobs${qs ? `?${qs}` : ''}`, { replace: patch.page === undefined });
  }, []);

  const {
    data: list,
    error: loadError,
    loading,
  } = usePolling<{ items: Job[]; meta: ListMeta }>(
    async (signal) => {
      const res = await api.listJobs(query, signal);
      for (const j of res.items) meter.observe(j);
      return res;
    },
    { again: (res) => (res.items.some(isActive) ? ACTIVE_POLL_MS : IDLE_POLL_MS), retryMs: IDLE_POLL_MS },
    // listKey stands for `query`, which is rebuilt on every render.
    [listKey, reload],
  );

  const items = list?.items ?? [];
  const running = items.some((j) => j.state === 'running');

  // The duration of running jobs counts up every second.
  useEffect(() => {
    if (!running) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [running]);

  useEffect(() => {
    if (!toast) return;
    const id = window.setTimeout(() => setToast(''), 4000);
    return () => window.clearTimeout(id);
  }, [toast]);

  const act = async (job: Job, action: 'cancel' | 'retry') => {
    setActionError('');
    try {
      if (action === 'cancel') await api.cancelJob(job.id);
      else await api.retryJob(job.id);
      setToast(t(action === 'cancel' ? 'jobs.cancelDone' : 'jobs.retryDone', { label: job.label }));
      setReload((n) => n + 1);
    } catch (e) {
      setActionError(describeError(e));
    }
  };

  const toggle = (id: number) =>
    setOpen((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const total = list?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / JOBS_PER_PAGE));
  const filtered = query.state !== '' || query.type !== '';

  return (
    <div className="jobs-page">
      <div className="page-head">
        <h1>{t('jobs.title')}</h1>
        <span className="total" data-testid="total">
          {list ? tn('jobs.total', total) : ''}
        </span>
      </div>

      <div className="filters">
        <label className={`facet-input facet-select ${query.state ? 'facet-active' : ''}`}>
          <span className="facet-label">{t('jobs.filterState')}</span>
          <select value={query.state} onChange={(e) => setQuery({ state: e.target.value as JobQuery['state'] })}>
            <option value="">{t('filter.all')}</option>
            {JOB_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`job.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className={`facet-input facet-select ${query.type ? 'facet-active' : ''}`}>
          <span className="facet-label">{t('jobs.filterType')}</span>
          <select value={query.type} onChange={(e) => setQuery({ type: e.target.value })}>
            <option value="">{t('filter.all')}</option>
            {[...JOB_TYPES, ...(query.type && !(JOB_TYPES as readonly string[]).includes(query.type) ? [query.type] : [])].map((type) => (
              <option key={type} value={type}>
                {typeLabel(type)}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => navigate('/jobs', { replace: true })}>
            {t('prospects.clearFilters')}
          </button>
        )}
      </div>

      {toast && (
        <div className="alert alert-success" role="status">
          {toast}
        </div>
      )}
      {(loadError || actionError) && (
        <div className="alert alert-error" role="alert">
          {actionError || loadError}
        </div>
      )}

      <div className={`table-wrap ${loading ? 'is-loading' : ''}`} aria-busy={loading}>
        <table className="grid-table jobs-table">
          <thead>
            <tr>
              <th>{t('jobs.col.label')}</th>
              <th>{t('jobs.col.state')}</th>
              <th className="col-progress">{t('jobs.col.progress')}</th>
              <th>{t('jobs.col.duration')}</th>
              <th>{t('jobs.col.created')}</th>
              <th className="col-actions">
                <span className="visually-hidden">{t('prospects.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((job) => {
              const isOpen = open.has(job.id);
              const seconds = durationSeconds(job, now);
              return (
                <JobRows key={job.id} job={job} isOpen={isOpen}>
                  <td className="col-job" title={job.label}>
                    <div className="job-label">{job.label}</div>
                    <div className="muted small">
                      {t('jobs.number', { id: job.id })} · {typeLabel(job.type)}
                    </div>
                  </td>
                  <td className="col-state">
                    <span className={`badge state-${job.state}`} data-testid="job-state">
                      {t(`job.state.${job.state}`)}
                    </span>
                    {job.attempt > 1 && <div className="muted small">{t('jobs.attempt', { n: job.attempt })}</div>}
                    {job.cancel_requested && isActive(job) && <div className="muted small">{t('jobs.cancelRequested')}</div>}
                  </td>
                  <td className="col-progress">
                    <JobProgressBar job={job} meter={meter} compact />
                  </td>
                  <td className="nowrap">{seconds === null ? '' : formatDuration(seconds)}</td>
                  <td className="nowrap">{formatDateTime(job.created_at)}</td>
                  <td className="col-actions">
                    <button type="button" className="btn btn-small" aria-expanded={isOpen} aria-controls={`job-detail-${job.id}`} onClick={() => toggle(job.id)}>
                      {isOpen ? t('jobs.hideLogs') : t('jobs.showLogs')}
                    </button>
                    {canCancel(job) && (
                      <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => act(job, 'cancel')}>
                        {t('jobs.cancel')}
                      </button>
                    )}
                    {canRetry(job) && (
                      <button type="button" className="btn btn-small" onClick={() => act(job, 'retry')}>
                        {t('jobs.retry')}
                      </button>
                    )}
                  </td>
                </JobRows>
              );
            })}
          </tbody>
        </table>
        {list && items.length === 0 && !loading && <div className="empty">{filtered ? t('jobs.empty') : t('jobs.emptyAll')}</div>}
      </div>

      {pages > 1 && (
        <div className="pager">
          <div className="spacer" />
          <button type="button" className="btn btn-small" disabled={query.page <= 1} onClick={() => setQuery({ page: query.page - 1 })}>
            {t('prospects.prev')}
          </button>
          <span className="page-of">{t('prospects.page', { page: formatNumber(query.page), pages: formatNumber(pages) })}</span>
          <button type="button" className="btn btn-small" disabled={query.page >= pages} onClick={() => setQuery({ page: query.page + 1 })}>
            {t('prospects.next')}
          </button>
        </div>
      )}
    </div>
  );
}

/** One job's row, and under it, when open, its detail (error, report, log). */
function JobRows({ job, isOpen, children }: { job: Job; isOpen: boolean; children: ReactNode }) {
  return (
    <>
      <tr data-job-id={job.id} className={isOpen ? 'row-open' : ''}>
        {children}
      </tr>
      {isOpen && (
        <tr className="job-detail-row" id={`job-detail-${job.id}`}>
          <td colSpan={6}>
            {/* Remounted when the job starts again (retry), so its log is followed live again. */}
            <JobDetail key={`${job.id}-${isActive(job)}`} job={job} />
          </td>
        </tr>
      )}
    </>
  );
}

function JobDetail({ job }: { job: Job }) {
  const live = useLiveJob(job.id, { initial: job, withLogs: true });
  const report = job.type === 'import' ? importReport(job) : null;
  const segmentationId = job.type === 'segmentation' ? segmentationOf(job) : null;
  return (
    <div className="job-detail">
      {job.state === 'failed' && job.error && (
        <div className="alert alert-error" role="alert">
          {t('jobs.error', { error: job.error })}
        </div>
      )}
      {segmentationId !== null && (
        <div className="job-detail-head">
          <Link href={runHref(segmentationId)} className="btn btn-small">
            {t('jobs.openSegmentation')}
          </Link>
        </div>
      )}
      {(report || job.import_id) && (
        <div className="job-detail-head">
          {report && (
            <span>
              {t('import.rowsSummary', { rows: formatNumber(report.rows) })} ·{' '}
              {t('import.resultSummary', { inserted: formatNumber(report.inserted), updated: formatNumber(report.updated), rejected: formatNumber(report.rejected) })}
            </span>
          )}
          {job.import_id !== undefined && (
            <Link href={`/import?id=${job.import_id}`} className="btn btn-small">
              {t('jobs.openImport')}
            </Link>
          )}
        </div>
      )}
      {live.error && <div className="alert alert-error">{live.error}</div>}
      <JobLogs logs={live.logs} loaded={live.logsLoaded} label={t('jobs.logsOf', { id: job.id })} />
    </div>
  );
}
