// Importing a CSV file of prospects, in four steps on one page: give the file (drop or pick;
// it is streamed to the server with a progress bar), check what was detected and choose
// which column fills which field and what to do with duplicates, follow the import job
// live, then read its report. The import being worked on is in the URL (/import?id=12), so a
// reload or a link from the Jobs page comes back to the same step. Recent imports are
// listed below.
import { useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import { ApiError } from '../api';
import { formatBytes, formatDateTime, formatDuration, formatNumber, formatPercent, t, useLang, type MessageKey } from '../i18n';
import {
  DUPLICATE_POLICIES, IMPORT_FIELDS, conflictingColumns, customName, customTargetFor, importReport, isCustom, separatorKey,
  type DuplicatePolicy, type ImportFile, type ImportReport, type Mapping,
} from '../models/import';
import { RateMeter, canCancel, canRetry, isActive, type Job } from '../models/job';
import { Link, navigate, useLocation } from '../router';
import { DropZone } from '../components/DropZone';
import { JobLogs } from '../components/JobLogs';
import { JobProgressBar, ProgressBar } from '../components/ProgressBar';
import { describeError } from '../components/errors';
import { useLiveJob } from '../components/useLiveJob';
import { usePolling } from '../components/usePolling';

const ACCEPT = '.csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values';

/** An upload refused: the API's per-field explanation (empty, binary…) says more than its summary. */
function uploadErrorMessage(e: unknown): string {
  if (e instanceof ApiError && e.fields.length) return e.fields.map((f) => f.message).join(' ');
  return describeError(e);
}

function importIdOf(search: string): number | null {
  const id = Number(new URLSearchParams(search).get('id'));
  return Number.isInteger(id) && id > 0 ? id : null;
}

export function Import() {
  useLang();
  const { search } = useLocation();
  const importId = importIdOf(search);

  const [imp, setImp] = useState<ImportFile | null>(null);
  const [loadError, setLoadError] = useState('');
  const [upload, setUpload] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState('');
  const [recentKey, setRecentKey] = useState(0);
  // Counts the runs of the import job (start, retries): each one is followed afresh.
  const [run, setRun] = useState(0);
  const uploadCtrl = useRef<AbortController | null>(null);

  useEffect(() => () => uploadCtrl.current?.abort(), []);

  useEffect(() => {
    setLoadError('');
    if (importId === null) {
      setImp(null);
      return;
    }
    // Just uploaded: the upload's answer is already this import.
    if (imp?.id === importId) return;
    setImp(null);
    const ctrl = new AbortController();
    api.getImport(importId, ctrl.signal).then(setImp, (e) => {
      if (!ctrl.signal.aborted) setLoadError(describeError(e));
    });
    return () => ctrl.abort();
    // `imp` is only compared to skip a useless reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [importId]);

  const send = async (file: File) => {
    setUploadError('');
    // Refused here rather than after sending gigabytes the server would not keep.
    const max = await api.maxUploadBytes().catch(() => null);
    if (max !== null && file.size > max) {
      setUploadError(t('import.tooLarge', { size: formatBytes(file.size), max: formatBytes(max) }));
      return;
    }
    const ctrl = new AbortController();
    uploadCtrl.current = ctrl;
    setUpload({ name: file.name, sent: 0, total: file.size });
    try {
      const created = await api.uploadImport(file, (sent, total) => setUpload({ name: file.name, sent, total }), ctrl.signal);
      setImp(created);
      setRecentKey((k) => k + 1);
      navigate(`/import?id=${created.id}`);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setUploadError(uploadErrorMessage(e));
    } finally {
      uploadCtrl.current = null;
      setUpload(null);
    }
  };

  // The job was started, or retried: follow it from this state.
  const started = (job: Job) => {
    setImp((old) => (old ? { ...old, job } : old));
    setRun((n) => n + 1);
    setRecentKey((k) => k + 1);
  };

  let step;
  if (importId === null) {
    step = upload ? (
      <section className="panel upload-panel">
        <h2>{t('import.uploading', { name: upload.name })}</h2>
        <ProgressBar value={upload.total > 0 ? upload.sent / upload.total : null} label={t('import.uploading', { name: upload.name })}>
          {upload.total > 0 && <strong className="progress-percent">{formatPercent(upload.sent / upload.total)}</strong>}
          <span>{t('import.uploadProgress', { sent: formatBytes(upload.sent), total: formatBytes(upload.total) })}</span>
        </ProgressBar>
        <div>
          <button type="button" className="btn" onClick={() => uploadCtrl.current?.abort()}>
            {t('import.uploadCancel')}
          </button>
        </div>
      </section>
    ) : (
      <>
        {uploadError && (
          <div className="alert alert-error" role="alert">
            {uploadError}
          </div>
        )}
        <DropZone onFile={send} accept={ACCEPT} />
      </>
    );
  } else if (loadError) {
    step = (
      <>
        <div className="alert alert-error" role="alert">
          {loadError}
        </div>
        <Link href="/import" className="btn">
          {t('import.another')}
        </Link>
      </>
    );
  } else if (!imp) {
    step = <div className="boot-message">{t('app.loading')}</div>;
  } else {
    step = (
      <>
        <FileSummary imp={imp} />
        {imp.job ? (
          <JobStep key={`${imp.job.id}-${run}`} imp={imp} initial={imp.job} onRetried={started} onEnded={() => setRecentKey((k) => k + 1)} />
        ) : (
          <MappingStep key={imp.id} imp={imp} onStarted={started} />
        )}
      </>
    );
  }

  return (
    <div className="import-page">
      <div className="page-head">
        <h1>{t('import.title')}</h1>
      </div>
      {importId === null && <p className="page-intro muted">{t('import.intro')}</p>}
      {step}
      <RecentImports reloadKey={recentKey} currentId={importId} />
    </div>
  );
}

/** What the server found in the file. */
function FileSummary({ imp }: { imp: ImportFile }) {
  const sepKey = separatorKey(imp.separator);
  const sepShown = imp.separator === '\t' ? '⇥' : imp.separator;
  return (
    <section className="panel file-summary" aria-label={t('import.fileTitle')}>
      <dl className="facts">
        <div>
          <dt>{t('import.file')}</dt>
          <dd className="fact-file" title={imp.file_name} data-testid="file-name">
            {imp.file_name}
          </dd>
        </div>
        <div>
          <dt>{t('import.size')}</dt>
          <dd>{formatBytes(imp.size)}</dd>
        </div>
        <div>
          <dt>{t('import.encoding')}</dt>
          <dd data-testid="encoding">{imp.encoding}</dd>
        </div>
        <div>
          <dt>{t('import.separator')}</dt>
          <dd data-testid="separator">
            {sepKey ? t(`separator.${sepKey}`) : ''} <code className="sep-char">{sepShown}</code>
          </dd>
        </div>
        <div>
          <dt>{t('import.columns')}</dt>
          <dd>{formatNumber(imp.header.length)}</dd>
        </div>
      </dl>
      {!imp.job && (
        <Link href="/import" className="btn btn-small">
          {t('import.another')}
        </Link>
      )}
    </section>
  );
}

/** The target a column starts with: the API's proposal, with custom fields named after the column. */
function initialMapping(imp: ImportFile): Mapping {
  const m: Mapping = {};
  for (const column of imp.header) {
    const target = imp.mapping[column] ?? '';
    m[column] = isCustom(target) ? customTargetFor(column) : target;
  }
  return m;
}

function targetLabel(target: string): string {
  if (target === '') return t('import.ignore');
  if (isCustom(target)) return t('import.custom', { name: customName(target) });
  return (IMPORT_FIELDS as readonly string[]).includes(target) ? t(`target.${target}` as MessageKey) : target;
}

function MappingStep({ imp, onStarted }: { imp: ImportFile; onStarted: (job: Job) => void }) {
  const [mapping, setMapping] = useState<Mapping>(() => initialMapping(imp));
  const [policy, setPolicy] = useState<DuplicatePolicy>(imp.on_duplicate ?? 'skip');
  const [busy, setBusy] = useState(false);
  const [columnErrors, setColumnErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);

  const fields = imp.fields?.length ? imp.fields : [...IMPORT_FIELDS];
  const conflicts = useMemo(() => conflictingColumns(imp.header, mapping), [imp.header, mapping]);
  // Which column a field is already given to, to say so in the other columns' lists.
  const takenBy = useMemo(() => {
    const m = new Map<string, string>();
    for (const column of imp.header) if (mapping[column] && !m.has(mapping[column])) m.set(mapping[column], column);
    return m;
  }, [imp.header, mapping]);
  const preview = imp.preview ?? [];

  const choose = (column: string, target: string) => {
    setMapping((old) => ({ ...old, [column]: target }));
    setColumnErrors(({ [column]: _dropped, ...rest }) => rest);
    setGeneral([]);
  };

  const start = async () => {
    setBusy(true);
    setColumnErrors({});
    setGeneral([]);
    try {
      onStarted(await api.startImport(imp.id, mapping, policy));
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.fields.length) {
        const byColumn: Record<string, string> = {};
        const other: string[] = [];
        for (const f of e.fields) {
          const column = f.field.startsWith('mapping.') ? f.field.slice('mapping.'.length) : null;
          if (column !== null && imp.header.includes(column)) byColumn[column] = byColumn[column] ? `${byColumn[column]} ${f.message}` : f.message;
          else other.push(f.message);
        }
        setColumnErrors(byColumn);
        setGeneral(Object.keys(byColumn).length ? [t('import.mappingErrors'), ...other] : other);
      } else {
        setGeneral([describeError(e)]);
      }
    }
  };

  return (
    <>
      {imp.problem && (
        <div className="alert alert-warning" role="alert" data-testid="problem">
          {t('import.problem', { problem: imp.problem })}
        </div>
      )}

      <section className="panel">
        <h2>{t('import.mappingTitle')}</h2>
        <p className="muted panel-help">{t('import.mappingHelp')}</p>
        <div className="table-wrap mapping-wrap">
          <table className="grid-table mapping-table">
            <caption className="visually-hidden">{t('import.previewCaption', { n: preview.length })}</caption>
            <thead>
              <tr>
                <th className="col-line" aria-hidden="true" />
                {imp.header.map((column, i) => (
                  <th key={i} className={mapping[column] ? '' : 'col-ignored'} data-column={column} title={column}>
                    {column}
                  </th>
                ))}
              </tr>
              <tr className="mapping-row">
                <th className="col-line" aria-hidden="true" />
                {imp.header.map((column, i) => {
                  const target = mapping[column] ?? '';
                  const others = conflicts.get(column);
                  const error = columnErrors[column] ?? (others ? t('import.takenBy', { column: others.join(' », « ') }) : '');
                  const custom = customTargetFor(column);
                  return (
                    <th key={i} className={`mapping-cell ${target ? '' : 'col-ignored'}`} data-column={column}>
                      <select
                        aria-label={t('import.columnTarget', { column })}
                        value={target}
                        onChange={(e) => choose(column, e.target.value)}
                        aria-invalid={error ? true : undefined}
                        className={target ? 'mapped' : 'ignored'}
                      >
                        <option value="">{t('import.ignore')}</option>
                        <optgroup label={t('import.fieldsGroup')}>
                          {fields.map((f) => {
                            // Says which column already fills a field (not on the column's own choice).
                            const other = f === target ? undefined : takenBy.get(f);
                            return (
                              <option key={f} value={f}>
                                {targetLabel(f)}
                                {other !== undefined ? ` — « ${other} »` : ''}
                              </option>
                            );
                          })}
                        </optgroup>
                        <optgroup label={t('import.otherGroup')}>
                          <option value={custom}>{targetLabel(custom)}</option>
                          {isCustom(target) && target !== custom && <option value={target}>{targetLabel(target)}</option>}
                        </optgroup>
                      </select>
                      {error && (
                        <span className="field-error" role={columnErrors[column] ? 'alert' : undefined}>
                          {error}
                        </span>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {preview.map((row, r) => (
                <tr key={r}>
                  <td className="col-line muted">{r + 1}</td>
                  {imp.header.map((column, c) => (
                    <td key={c} className={mapping[column] ? '' : 'col-ignored'} title={row[c] || undefined}>
                      {row[c] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {preview.length === 0 && <div className="empty">{t('import.previewEmpty')}</div>}
        </div>
      </section>

      <section className="panel">
        <h2 id="dup-title">{t('import.duplicatesTitle')}</h2>
        <p className="muted panel-help">{t('import.duplicatesHelp')}</p>
        <div className="choice-list" role="radiogroup" aria-labelledby="dup-title">
          {DUPLICATE_POLICIES.map((p) => (
            <label key={p} className={`choice ${policy === p ? 'choice-on' : ''}`}>
              <input type="radio" name="on_duplicate" value={p} checked={policy === p} onChange={() => setPolicy(p)} />
              <span>
                <strong>{t(`dup.${p}`)}</strong>
                <span className="muted">{t(`dup.${p}.help`)}</span>
              </span>
            </label>
          ))}
        </div>
      </section>

      {general.length > 0 && (
        <div className="alert alert-error" role="alert">
          {general.map((g, i) => (
            <div key={i}>{g}</div>
          ))}
        </div>
      )}
      <div className="step-actions">
        <button type="button" className="btn btn-primary btn-large" onClick={start} disabled={busy}>
          {busy ? t('import.starting') : t('import.start')}
        </button>
      </div>
    </>
  );
}

/** The import job: live progress, then the report or the failure. */
function JobStep({ imp, initial, onRetried, onEnded }: { imp: ImportFile; initial: Job; onRetried: (job: Job) => void; onEnded: () => void }) {
  const meter = useRef(new RateMeter()).current;
  const [actionError, setActionError] = useState('');
  const wasActive = useRef(isActive(initial));
  const live = useLiveJob(initial.id, {
    initial,
    withLogs: true,
    onChange: (j) => {
      meter.observe(j);
      if (wasActive.current && !isActive(j)) onEnded();
      wasActive.current = isActive(j);
    },
  });
  const job = live.job ?? initial;
  const report = importReport(job);

  const cancel = async () => {
    setActionError('');
    try {
      await api.cancelJob(job.id);
    } catch (e) {
      setActionError(describeError(e));
    }
  };
  const retry = async () => {
    setActionError('');
    try {
      onRetried(await api.retryJob(job.id));
    } catch (e) {
      setActionError(describeError(e));
    }
  };

  const title: MessageKey =
    job.state === 'succeeded' ? 'import.reportTitle' : job.state === 'failed' ? 'import.failedTitle' : job.state === 'cancelled' ? 'import.cancelledTitle' : 'import.runningTitle';

  return (
    <section className={`panel job-step job-step-${job.state}`} data-testid="import-job" data-state={job.state}>
      <div className="job-step-head">
        {/* Read out when the state changes; the progress itself would be too chatty. */}
        <h2 aria-live="polite">{t(title)}</h2>
        <span className={`badge state-${job.state}`}>{t(`job.state.${job.state}`)}</span>
        <div className="spacer" />
        {canCancel(job) && (
          <button type="button" className="btn btn-small btn-danger-ghost" onClick={cancel}>
            {t('import.cancel')}
          </button>
        )}
      </div>

      {job.state !== 'succeeded' && (
        <>
          <JobProgressBar job={job} meter={meter} />
          {job.state === 'queued' && <p className="muted">{t('import.queued')}</p>}
          {job.cancel_requested && isActive(job) && <p className="muted">{t('import.cancelRequested')}</p>}
        </>
      )}

      {report && <Report report={report} />}

      {job.state === 'failed' && job.error && (
        <div className="alert alert-error" role="alert" data-testid="job-error">
          {t('jobs.error', { error: job.error })}
        </div>
      )}
      {live.error && isActive(job) && <div className="alert alert-error">{live.error}</div>}
      {actionError && (
        <div className="alert alert-error" role="alert">
          {actionError}
        </div>
      )}

      {!isActive(job) && (
        <div className="step-actions">
          {canRetry(job) && (
            <button type="button" className="btn btn-primary" onClick={retry}>
              {t('import.retry')}
            </button>
          )}
          {report && report.rejected > 0 && (
            <a className="btn" href={api.rejectedRowsUrl(imp.id)} download data-testid="rejected-link">
              {t('import.downloadRejected')}
            </a>
          )}
          {report && (
            <Link href="/prospects" className={`btn ${report.rejected > 0 ? '' : 'btn-primary'}`}>
              {t('import.seeProspects')}
            </Link>
          )}
          <Link href="/import" className="btn btn-ghost">
            {t('import.newImport')}
          </Link>
        </div>
      )}
      {report && report.rejected > 0 && <p className="muted small">{t('import.rejectedHelp')}</p>}
      {canRetry(job) && <p className="muted small">{t('import.retryHelp')}</p>}

      <details className="job-log-details">
        <summary>{t('jobs.showLogs')}</summary>
        <JobLogs logs={live.logs} loaded={live.logsLoaded} label={t('jobs.logsOf', { id: job.id })} />
      </details>
    </section>
  );
}

const REPORT_KEYS = ['rows', 'inserted', 'updated', 'duplicates_in_file', 'duplicates_existing', 'rejected', 'fixed'] as const;

function Report({ report }: { report: ImportReport }) {
  const tone = (k: (typeof REPORT_KEYS)[number]) =>
    k === 'inserted' && report.inserted > 0 ? 'stat-good' : k === 'rejected' && report.rejected > 0 ? 'stat-bad' : '';
  return (
    <>
      <dl className="stats" data-testid="report">
        {REPORT_KEYS.map((k) => (
          <div key={k} className={`stat ${tone(k)}`} data-testid={`report-${k}`}>
            <dt>{t(`report.${k}`)}</dt>
            <dd>{formatNumber(report[k])}</dd>
          </div>
        ))}
      </dl>
      {report.seconds > 0 && (
        <p className="muted small">
          {t('import.reportDuration', { duration: formatDuration(report.seconds), rate: formatNumber(Math.round(report.rows / report.seconds)) })}
        </p>
      )}
    </>
  );
}

/** The user's latest imports; followed while one of them runs. */
function RecentImports({ reloadKey, currentId }: { reloadKey: number; currentId: number | null }) {
  const { data: items, error } = usePolling<ImportFile[]>(
    (signal) => api.listImports(signal),
    { again: (list) => (list.some((i) => i.job && isActive(i.job)) ? 3000 : null), retryMs: 5000 },
    [reloadKey],
  );

  return (
    <section className="recent-imports">
      <h2>{t('import.recent')}</h2>
      {error && (
        <div className="alert alert-error" role="alert">
          {error} {t('error.retrying')}
        </div>
      )}
      {items && items.length === 0 && <p className="muted">{t('import.recentEmpty')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="grid-table" data-testid="recent-imports">
            <thead>
              <tr>
                <th>{t('import.file')}</th>
                <th>{t('import.col.date')}</th>
                <th>{t('import.size')}</th>
                <th>{t('import.col.state')}</th>
                <th>{t('import.col.result')}</th>
                <th className="col-actions">
                  <span className="visually-hidden">{t('prospects.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const report = importReport(i.job);
                return (
                  <tr key={i.id} data-import-id={i.id} className={i.id === currentId ? 'selected' : ''}>
                    <td className="col-strong" title={i.file_name}>
                      {i.file_name}
                    </td>
                    <td className="nowrap">{formatDateTime(i.created_at)}</td>
                    <td className="nowrap">{formatBytes(i.size)}</td>
                    <td>
                      {i.job ? (
                        <span className={`badge state-${i.job.state}`}>{t(`job.state.${i.job.state}`)}</span>
                      ) : (
                        <span className="badge badge-muted">{t('import.notStarted')}</span>
                      )}
                    </td>
                    <td className="nowrap">
                      {report
                        ? t('import.resultSummary', { inserted: formatNumber(report.inserted), updated: formatNumber(report.updated), rejected: formatNumber(report.rejected) })
                        : i.job?.state === 'failed'
                          ? <span className="text-danger" title={i.job.error ?? ''}>{i.job.error}</span>
                          : ''}
                    </td>
                    <td className="col-actions">
                      <Link href={`/import?id=${i.id}`} className="btn btn-small">
                        {t('import.open')}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
