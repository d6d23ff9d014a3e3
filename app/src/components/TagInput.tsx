// Tags as chips: type and press Enter or a comma; pasting "a, b" adds both.
import { useState, type KeyboardEvent } from 'react';
import { t } from '../i18n';

export function TagInput({ id, value, onChange, suggestions = [], invalid }: {
  id?: string;
  value: string[];
  onChange: (tags: string[]) => void;
  suggestions?: string[];
  invalid?: boolean;
}) {
  const [text, setText] = useState('');
  const listId = id ? `${id}-list` : undefined;

  const add = (raw: string) => {
    const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const next = [...value];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== value.length) onChange(next);
    setText('');
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      if (text.trim()) {
        e.preventDefault();
        add(text);
      } else if (e.key === ',') e.preventDefault();
    } else if (e.key === 'Backspace' && text === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  };

  return (
    <div className={`tag-input ${invalid ? 'invalid' : ''}`}>
      {value.map((tag) => (
        <span key={tag} className="chip">
          {tag}
          <button type="button" aria-label={t('form.removeTag', { tag })} onClick={() => onChange(value.filter((x) => x !== tag))}>
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        value={text}
        list={listId}
        placeholder={value.length ? '' : t('form.tagsHint')}
        aria-invalid={invalid || undefined}
        onChange={(e) => (e.target.value.includes(',') ? add(e.target.value) : setText(e.target.value))}
        onKeyDown={onKey}
        onBlur={() => text.trim() && add(text)}
      />
      {listId && (
        <datalist id={listId}>
          {suggestions.filter((s) => !value.includes(s)).map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </div>
  );
}
