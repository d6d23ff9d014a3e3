// The exports of the user (all of them for an admin): state, progress while the job runs,
// and the download link once the file is ready. Refreshed every second while one is running,
// and after a failed request.
import * as api from '../api';
import { ProgressBar } from '../components/ProgressBar';
import { usePolling } from '../components/usePolling';
import { formatBytes, formatDate, formatNumber, t, type MessageKey } from '../i18n';
import { exportPending, type ExportFile } from '../models/export';

export function Exports() {
  const { data: items, error } = usePolling<ExportFile[]>((signal) => api.listExports(signal), { again: (list) => (list.some(exportPending) ? 1000 : null), retryMs: 3000 }, []);

  return (
    <div className="page exports-page">
      <h1>{t('exports.title')}</h1>
      {error && (
        <p className="field-error" role="alert">
          {error} {t('error.retrying')}
        </p>
      )}
      {items && items.length === 0 && <p className="empty">{t('exports.empty')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="exports-table">
            <thead>
              <tr>
                <th>{t('exports.col.created')}</th>
                <th>{t('exports.col.format')}</th>
                <th>{t('exports.col.state')}</th>
                <th>{t('exports.col.rows')}</th>
                <th>{t('exports.col.file')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} data-export-id={e.id}>
                  <td>{formatDate(e.created_at)}</td>
                  <td>{e.format.toUpperCase()}</td>
                  <td>
                    <span className={`badge state-${e.state === 'ready' ? 'succeeded' : e.state === 'expired' ? 'cancelled' : e.state}`} data-testid="export-state">
                      {t(`exports.state.${e.state}` as MessageKey)}
                    </span>
                    {e.state === 'running' && e.job && (
                      <ProgressBar value={e.job.progress.total > 0 ? e.job.progress.done / e.job.progress.total : null} label={t('progress.label')}>
                        {formatNumber(e.job.progress.done)} / {formatNumber(e.job.progress.total)}
                      </ProgressBar>
                    )}
                    {e.state === 'failed' && e.job?.error && <div className="field-error">{e.job.error}</div>}
                  </td>
                  <td>{e.state === 'ready' || e.state === 'expired' ? formatNumber(e.rows) : '—'}</td>
                  <td>
                    {e.download_url ? (
                      <>
                        <a href={e.download_url} download={e.file_name} className="btn btn-small">
                          {t('exports.download')}
                        </a>{' '}
                        <span className="muted">
                          {e.file_name} · {formatBytes(e.size)}
                          {e.expires_at ? ` · ${t('exports.expires', { date: formatDate(e.expires_at) })}` : ''}
                        </span>
                      </>
                    ) : (
                      <span className="muted">{e.file_name}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
