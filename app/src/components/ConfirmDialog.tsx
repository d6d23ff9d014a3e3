import { useState } from 'react';
import { t } from '../i18n';
import { Modal } from './Modal';
import { describeError } from './errors';

/** Asks before something that cannot be undone; stays open and shows the error if it fails. */
export function ConfirmDialog({ title, text, confirmLabel, onConfirm, onCancel }: {
  title: string;
  text: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      await onConfirm();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onCancel} className="modal-small">
      <div className="modal-body">
        <p>{text}</p>
        {error && <div className="alert alert-error" role="alert">{error}</div>}
      </div>
      <div className="modal-foot">
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          {t('confirm.cancel')}
        </button>
        <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy} autoFocus>
          {confirmLabel ?? t('confirm.delete')}
        </button>
      </div>
    </Modal>
  );
}
