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
      <div className="drop-icon" aria-hidden="true">
        ⇪
      </div>
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
        aria-label={t('import.choose')}
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
