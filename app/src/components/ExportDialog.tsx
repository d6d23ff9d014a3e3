// The export dialog of the Prospects page: format, columns, and for CSV the BOM and the
// separator; exports the selection when rows are ticked, else the current filter.
import { useState } from 'react';
import * as api from '../api';
import { t } from '../i18n';
import { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportFormat, type ExportRequest } from '../models/export';
import { describeError } from './errors';
import { Modal } from './Modal';

export function ExportDialog({ ids, filter, count, onClose, onStarted }: {
  /** The ticked rows; null exports the filter. */
  ids: number[] | null;
  filter: Record<string, string>;
  count: number;
  onClose: () => void;
  onStarted: () => void;
}) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [columns, setColumns] = useState<Set<string>>(new Set(EXPORT_COLUMNS));
  const [custom, setCustom] = useState('');
  const [bom, setBom] = useState(true);
  const [separator, setSeparator] = useState<',' | ';'>(';');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toggle = (c: string) => {
    const next = new Set(columns);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setColumns(next);
  };

  const submit = async () => {
    const chosen = EXPORT_COLUMNS.filter((c) => columns.has(c)) as string[];
    for (const name of custom.split(',').map((s) => s.trim()).filter(Boolean)) chosen.push(`custom:${name}`);
    const req: ExportRequest = { format, columns: chosen, ...(ids ? { ids } : { filter }) };
    if (format === 'csv') Object.assign(req, { bom, separator });
    setBusy(true);
    setError(null);
    try {
      await api.createExport(req);
      onStarted();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('export.title')} onClose={onClose} className="modal-wide">
      <div className="modal-body export-dialog">
        <p data-testid="export-scope">
          {ids ? t('export.scopeSelection', { n: count }) : t('export.scopeFilter', { n: count })}
        </p>
        <label className="field">
          <span>{t('export.format')}</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} aria-label={t('export.format')}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`export.format.${f}`)}
              </option>
            ))}
          </select>
        </label>
        {format === 'csv' && (
          <div className="export-csv-options">
            <label className="field-check">
              <label>
                <input type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} />
                {t('export.bom')}
              </label>
            </label>
            <label className="field">
              <span>{t('export.separator')}</span>
              <select value={separator} onChange={(e) => setSeparator(e.target.value as ',' | ';')} aria-label={t('export.separator')}>
                <option value=";">;</option>
                <option value=",">,</option>
              </select>
            </label>
          </div>
        )}
        <fieldset className="export-columns">
          <legend>
            {t('export.columns')}{' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setColumns(new Set(EXPORT_COLUMNS))}>
              {t('export.allColumns')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setColumns(new Set())}>
              {t('export.noColumns')}
            </button>
          </legend>
          {EXPORT_COLUMNS.map((c) => (
            <label key={c} className="export-column">
              <input type="checkbox" checked={columns.has(c)} onChange={() => toggle(c)} />
              <code>{c}</code>
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>{t('export.custom')}</span>
          <input value={custom} onChange={(e) => setCustom(e.target.value)} aria-label={t('export.custom')} />
        </label>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="modal-foot">
        <button type="button" className="btn" onClick={onClose}>
          {t('form.cancel')}
        </button>
        <button type="button" className="btn btn-primary" onClick={submit} disabled={busy || (columns.size === 0 && !custom.trim())}>
          {busy ? t('export.submitting') : t('export.submit')}
        </button>
      </div>
    </Modal>
  );
}
