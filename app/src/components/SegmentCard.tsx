// One segment of a run: its colour and number, its name (the user's, or the generated one),
// its size and share, what sets it apart (the most over-represented values with their lift,
// the medians against the whole base, the frequent job-title words), its description, and a
// form to rename and describe it. "Voir ces prospects" opens the prospect list on it once the
// run is applied (before that, prospects do not carry its id).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import { ApiError } from '../api';
import { formatNumber, formatShare, t, tn } from '../i18n';
import { DESCRIPTION_MAX, NAME_MAX, segmentProspectsHref, type Segment } from '../models/segmentation';
import { Link } from '../router';
import { describeError } from './errors';
import { fieldLabel, liftLabel, numberLabel, segmentColor, valueLabel } from './segmentLabels';

export function SegmentCard({ runId, segment, linkable, onSaved }: {
  runId: number;
  segment: Segment;
  /** Whether the run is applied, so that the prospects filter on this segment works. */
  linkable: boolean;
  onSaved: (s: Segment) => void;
}) {
  const [editing, setEditing] = useState(false);
  const titleId = useId();
  // Back from the form (saved, cancelled), the keyboard focus returns to the button that opened it.
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const s = segment;
  return (
    <article className="seg-card" aria-labelledby={titleId} data-testid="segment-card" data-segment-id={s.id} data-index={s.index} style={{ borderTopColor: segmentColor(s.index) }}>
      <div className="seg-card-head">
        <span className="seg-swatch seg-swatch-big" style={{ background: segmentColor(s.index) }} aria-hidden="true">
          {s.index + 1}
        </span>
        <div className="seg-card-title">
          <span className="muted small">{t('seg.card.index', { n: s.index + 1 })}</span>
          <h3 id={titleId} data-testid="segment-name">
            {s.name}
          </h3>
        </div>
      </div>
      <div className="seg-size">
        <strong data-testid="segment-size">{tn('prospects.total', s.size)}</strong>
        <span className="muted"> · {t('seg.card.size', { share: formatShare(s.share) })}</span>
        <div className="seg-share-track" aria-hidden="true">
          <div className="seg-share-fill" style={{ width: `${Math.min(100, Math.max(0, s.share * 100))}%`, background: segmentColor(s.index) }} />
        </div>
      </div>

      {editing ? (
        <SegmentForm
          runId={runId}
          segment={s}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            onSaved(saved);
          }}
        />
      ) : (
        <>
          {s.name !== s.auto_name && s.auto_name && <p className="muted small seg-auto-name">{t('seg.card.autoName', { name: s.auto_name })}</p>}
          {s.description && (
            <p className="seg-description" data-testid="segment-description">
              {s.description}
            </p>
          )}
          <SegmentFacts segment={s} />
        </>
      )}

      {!editing && (
        <div className="seg-card-actions">
          {linkable ? (
            <Link href={segmentProspectsHref(s.id)} className="btn btn-small btn-primary">
              {t('seg.card.see')}
            </Link>
          ) : null}
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)} ref={editButton}>
            {t('seg.card.edit')}
          </button>
        </div>
      )}
    </article>
  );
}

/**
 * A value hardly more frequent in the segment than in the whole base does not set it apart:
 * the API lists the most over-represented values, which for a segment that looks like the
 * base can be barely over (or under) 1.
 */
const MIN_LIFT = 1.25;

function SegmentFacts({ segment: s }: { segment: Segment }) {
  const traits = s.traits.filter((tr) => tr.lift >= MIN_LIFT);
  const words = s.words.filter((w) => w.lift >= MIN_LIFT);
  return (
    <div className="seg-facts">
      <h4>{t('seg.card.traits')}</h4>
      {traits.length ? (
        <ul className="seg-traits">
          {traits.map((tr) => (
            <li key={`${tr.field}=${tr.value ?? ''}`} data-field={tr.field}>
              <span className="seg-trait-value">
                {t('seg.pair', { label: fieldLabel(tr.field), value: valueLabel(tr.field, tr.value) })}
              </span>
              <span className="seg-lift" title={t('seg.card.lift', { lift: liftLabel(tr.lift).slice(1) })}>
                {liftLabel(tr.lift)}
              </span>
              <span className="muted small seg-trait-detail">{t('seg.card.trait', { share: formatShare(tr.share), base: formatShare(tr.base_share) })}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('seg.card.noTraits')}</p>
      )}
      {s.numbers.length > 0 && (
        <>
          <h4>{t('seg.card.numbers')}</h4>
          <ul className="seg-numbers">
            {s.numbers.map((n) => (
              <li key={n.field} data-field={n.field}>
                <span className="seg-trait-value">{fieldLabel(n.field)}</span>
                <span className="small">{t('seg.card.median', { median: numberLabel(n.field, n.median), base: numberLabel(n.field, n.base_median) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {words.length > 0 && (
        <>
          <h4>{t('seg.card.words')}</h4>
          <ul className="seg-traits">
            {words.map((w) => (
              <li key={w.word}>
                <span className="seg-trait-value">{t('seg.card.word', { word: w.word })}</span>
                <span className="seg-lift" title={t('seg.card.lift', { lift: liftLabel(w.lift).slice(1) })}>
                  {liftLabel(w.lift)}
                </span>
                <span className="muted small seg-trait-detail">{t('seg.card.trait', { share: formatShare(w.share), base: formatShare(w.base_share) })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function SegmentForm({ runId, segment, onCancel, onSaved }: { runId: number; segment: Segment; onCancel: () => void; onSaved: (s: Segment) => void }) {
  // An unedited segment's name is its generated one: the field starts with it, to be edited.
  const [name, setName] = useState(segment.name);
  const [description, setDescription] = useState(segment.description ?? '');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState('');
  const nameId = useId();
  const descId = useId();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral('');
    try {
      const trimmed = name.trim();
      // The generated name is sent as a reset, so that it follows the auto name.
      onSaved(await api.updateSegment(runId, segment.id, { name: trimmed === segment.auto_name ? '' : trimmed, description: description.trim() }));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.fields.length) {
        const byField: Record<string, string> = {};
        for (const f of err.fields) byField[f.field] = byField[f.field] ? `${byField[f.field]} ${f.message}` : f.message;
        setErrors(byField);
        if (!byField.name && !byField.description) setGeneral(describeError(err));
      } else {
        setGeneral(describeError(err));
      }
    }
  };

  return (
    <form
      className="seg-form"
      onSubmit={save}
      data-testid="segment-form"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) onCancel();
      }}
    >
      <div className="field">
        <label htmlFor={nameId}>{t('seg.card.name')}</label>
        <input
          id={nameId}
          value={name}
          maxLength={NAME_MAX}
          onChange={(e) => setName(e.target.value)}
          placeholder={segment.auto_name}
          aria-invalid={errors.name ? true : undefined}
          autoFocus
        />
        {errors.name ? <span className="field-error">{errors.name}</span> : <span className="muted small">{t('seg.card.nameHelp')}</span>}
      </div>
      {name.trim() !== segment.auto_name && (
        <div>
          <button type="button" className="link-button small" onClick={() => setName(segment.auto_name)}>
            {t('seg.card.resetName')}
          </button>
        </div>
      )}
      <div className="field">
        <label htmlFor={descId}>{t('seg.card.description')}</label>
        <textarea id={descId} rows={3} value={description} maxLength={DESCRIPTION_MAX} onChange={(e) => setDescription(e.target.value)} aria-invalid={errors.description ? true : undefined} />
        <span className="muted small seg-count">
          {formatNumber(description.length)} / {formatNumber(DESCRIPTION_MAX)}
        </span>
        {errors.description && <span className="field-error">{errors.description}</span>}
      </div>
      {general && (
        <div className="alert alert-error" role="alert">
          {general}
        </div>
      )}
      <div className="seg-card-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {busy ? t('seg.card.saving') : t('seg.card.save')}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel} disabled={busy}>
          {t('seg.card.cancel')}
        </button>
      </div>
    </form>
  );
}
