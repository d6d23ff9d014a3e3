// Where a file is given: dropped from the desktop, or picked with the "choose a file" button.
import { useRef, useState, type DragEvent } from 'react';
import { t } from '../i18n';

export function DropZone({ onFile, accept, disabled = false }: { onFile: (f: File) => void; accept?: string; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };

  return (
    <div
      className={`drop-zone ${over ? 'drop-over' : ''}`}
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        // Leaving for a child element is not leaving the zone.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={drop}
    >
      <svg className="drop-icon" aria-hidden="true" width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
        <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
        <path d="M14 3v5h5" />
        <path d="M12 18v-6" />
        <path d="m9.5 14.5 2.5-2.5 2.5 2.5" />
      </svg>
      <div className="drop-title">{t('import.drop')}</div>
      <div className="muted">{t('import.or')}</div>
      <button type="button" className="btn btn-primary" disabled={disabled} onClick={() => input.current?.click()}>
        {t('import.choose')}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared so that choosing the same file again is still a change.
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
      <p className="drop-hint muted">{t('import.dropHint')}</p>
    </div>
  );
}
