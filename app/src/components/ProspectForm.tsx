// Add or edit one prospect. Every field of the API is here; the API validates and answers
// every field error at once (422 / 409), and each one is shown under its own field.
import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import * as api from '../api';
import { ApiError } from '../api';
import { t, type MessageKey } from '../i18n';
import {
  COMPANY_SIZES, STATUSES, type CompanySize, type Facets, type Prospect, type ProspectInput, type Status,
} from '../models/prospect';
import { Modal } from './Modal';
import { TagInput } from './TagInput';
import { describeError } from './errors';

const TEXT_FIELDS = [
  'first_name', 'last_name', 'email', 'phone', 'company', 'job_title', 'sector', 'city', 'postal_code', 'region',
  'country', 'source', 'owner', 'notes',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

interface CustomRow {
  key: string;
  value: string;
}

/** What the inputs hold: text everywhere, converted to the API's types on save. */
type FormValues = Record<TextField, string> & {
  company_size: string;
  employees: string;
  annual_revenue: string;
  status: Status;
  tags: string[];
  custom: CustomRow[];
  opted_out: boolean;
  last_contact_at: string; // <input type="date"> value, YYYY-MM-DD
};

function toValues(p: Prospect | null): FormValues {
  const v = {} as FormValues;
  for (const f of TEXT_FIELDS) v[f] = p?.[f] ?? '';
  if (!p) v.country = 'FR';
  v.company_size = p?.company_size ?? '';
  v.employees = p?.employees == null ? '' : String(p.employees);
  v.annual_revenue = p?.annual_revenue == null ? '' : String(p.annual_revenue);
  v.status = p?.status ?? 'new';
  v.tags = p?.tags ?? [];
  v.custom = Object.entries(p?.custom_fields ?? {}).map(([key, value]) => ({ key, value: String(value ?? '') }));
  v.opted_out = p?.opted_out ?? false;
  v.last_contact_at = p?.last_contact_at ? p.last_contact_at.slice(0, 10) : '';
  return v;
}

function parseNumber(s: string, integer: boolean): number | null | 'invalid' {
  const clean = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (clean === '') return null;
  const n = Number(clean);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return 'invalid';
  return n;
}

/** Converts the inputs to an API body; numbers that do not parse are reported, not sent. */
function toInput(v: FormValues, original: Prospect | null): { input: ProspectInput; invalid: string[] } {
  const input: ProspectInput = {};
  const invalid: string[] = [];
  for (const f of TEXT_FIELDS) {
    const s = v[f].trim();
    input[f] = s === '' ? null : s;
  }
  input.company_size = (v.company_size || null) as CompanySize | null;
  const employees = parseNumber(v.employees, true);
  const revenue = parseNumber(v.annual_revenue, false);
  if (employees === 'invalid') invalid.push('employees');
  else input.employees = employees;
  if (revenue === 'invalid') invalid.push('annual_revenue');
  else input.annual_revenue = revenue;
  input.status = v.status;
  input.tags = v.tags;
  const custom: Record<string, string> = {};
  for (const row of v.custom) if (row.key.trim()) custom[row.key.trim()] = row.value;
  input.custom_fields = custom;
  input.opted_out = v.opted_out;
  // Keep the stored time of day when the date did not change.
  if (original?.last_contact_at && original.last_contact_at.slice(0, 10) === v.last_contact_at) input.last_contact_at = original.last_contact_at;
  else input.last_contact_at = v.last_contact_at ? `${v.last_contact_at}T00:00:00Z` : null;
  return { input, invalid };
}

/** Only the keys whose value differs from the stored prospect (for PATCH). */
function changedKeys(next: ProspectInput, before: ProspectInput): ProspectInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (JSON.stringify(v) !== JSON.stringify((before as Record<string, unknown>)[k])) out[k] = v;
  }
  return out as ProspectInput;
}

function withoutNulls(input: ProspectInput): ProspectInput {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null)) as ProspectInput;
}

export function ProspectForm({ prospect, facets, onSaved, onClose }: {
  prospect: Prospect | null;
  facets: Facets;
  onSaved: (p: Prospect, created: boolean) => void;
  onClose: () => void;
}) {
  const [values, setValues] = useState<FormValues>(() => toValues(prospect));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const baseId = useId();
  const original = useMemo(() => (prospect ? toInput(toValues(prospect), prospect).input : null), [prospect]);

  const set = <K extends keyof FormValues>(k: K, v: FormValues[K]) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { input, invalid } = toInput(values, prospect);
    if (invalid.length) {
      setFieldErrors(Object.fromEntries(invalid.map((f) => [f, t('error.invalidNumber')])));
      setGeneral([t('form.hasErrors')]);
      return;
    }
    // A new prospect sends only what was filled in (an absent owner becomes the current user).
    const body = original ? changedKeys(input, original) : withoutNulls(input);
    if (prospect && Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setFieldErrors({});
    setGeneral([]);
    try {
      const saved = prospect ? await api.updateProspect(prospect.id, body) : await api.createProspect(body);
      onSaved(saved, !prospect);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.fields.length) {
        const known: Record<string, string> = {};
        const other: string[] = [];
        for (const f of err.fields) {
          const key = f.field.startsWith('custom_fields') ? 'custom_fields' : f.field;
          if (FIELD_NAMES.has(key)) known[key] = known[key] ? `${known[key]} ${f.message}` : f.message;
          else other.push(f.field ? `${f.field} : ${f.message}` : f.message);
        }
        setFieldErrors(known);
        // The API's summary ("validation failed") adds nothing to the messages under the fields.
        setGeneral(Object.keys(known).length ? [t('form.hasErrors'), ...other] : [err.message, ...other]);
      } else {
        setGeneral([describeError(err)]);
      }
    }
  };

  const id = (f: string) => `${baseId}-${f}`;
  const facetValues = (name: keyof Facets) => (facets[name] ?? []).map((o) => o.value);

  // One labelled input with its error under it.
  const field = (name: string, control: ReactNode, wide = false) => {
    const error = fieldErrors[name];
    return (
      <div className={`field ${wide ? 'field-wide' : ''} ${error ? 'has-error' : ''}`} data-field={name}>
        <label htmlFor={id(name)}>{t(`field.${name}` as MessageKey)}</label>
        {control}
        {error && (
          <span className="field-error" id={id(name) + '-error'}>
            {error}
          </span>
        )}
      </div>
    );
  };
  const errProps = (name: string) =>
    fieldErrors[name] ? { 'aria-invalid': true as const, 'aria-describedby': id(name) + '-error' } : {};
  const text = (name: TextField, opts: { type?: string; list?: string; autoComplete?: string } = {}) =>
    field(
      name,
      <input
        id={id(name)}
        name={name}
        type={opts.type ?? 'text'}
        list={opts.list}
        autoComplete={opts.autoComplete ?? 'off'}
        value={values[name]}
        onChange={(e) => set(name, e.target.value)}
        {...errProps(name)}
      />,
    );
  const datalist = (name: keyof Facets) => (
    <datalist id={id(name) + '-list'}>
      {facetValues(name).map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );

  return (
    <Modal title={prospect ? t('form.editTitle') : t('form.addTitle')} onClose={onClose} className="modal-wide">
      <form onSubmit={submit} noValidate className="prospect-form">
        <div className="modal-body">
          {general.length > 0 && (
            <div className="alert alert-error" role="alert">
              {general.map((g, i) => (
                <div key={i}>{g}</div>
              ))}
            </div>
          )}

          <fieldset>
            <legend>{t('form.sectionPerson')}</legend>
            <div className="grid">
              {text('first_name')}
              {text('last_name')}
              {text('job_title')}
              {text('email', { type: 'email' })}
              {text('phone', { type: 'tel' })}
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('form.sectionCompany')}</legend>
            <div className="grid">
              {text('company')}
              {text('sector', { list: id('sector') + '-list' })}
              {field(
                'company_size',
                <select id={id('company_size')} value={values.company_size} onChange={(e) => set('company_size', e.target.value)} {...errProps('company_size')}>
                  <option value="">{t('form.choose')}</option>
                  {COMPANY_SIZES.map((s) => (
                    <option key={s} value={s}>
                      {t(`size.${s}`)}
                    </option>
                  ))}
                </select>,
              )}
              {field(
                'employees',
                <input id={id('employees')} inputMode="numeric" value={values.employees} onChange={(e) => set('employees', e.target.value)} {...errProps('employees')} />,
              )}
              {field(
                'annual_revenue',
                <input id={id('annual_revenue')} inputMode="decimal" value={values.annual_revenue} onChange={(e) => set('annual_revenue', e.target.value)} {...errProps('annual_revenue')} />,
              )}
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('form.sectionPlace')}</legend>
            <div className="grid">
              {text('city')}
              {text('postal_code')}
              {text('region', { list: id('region') + '-list' })}
              {text('country')}
            </div>
          </fieldset>

          <fieldset>
            <legend>{t('form.sectionFollowUp')}</legend>
            <div className="grid">
              {field(
                'status',
                <select id={id('status')} value={values.status} onChange={(e) => set('status', e.target.value as Status)} {...errProps('status')}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>,
              )}
              {text('owner', { list: id('owner') + '-list' })}
              {text('source', { list: id('source') + '-list' })}
              {field(
                'last_contact_at',
                <input id={id('last_contact_at')} type="date" value={values.last_contact_at} onChange={(e) => set('last_contact_at', e.target.value)} {...errProps('last_contact_at')} />,
              )}
              {field('tags', <TagInput id={id('tags')} value={values.tags} onChange={(v) => set('tags', v)} suggestions={facetValues('tags')} invalid={!!fieldErrors.tags} />, true)}
              {field(
                'notes',
                <textarea id={id('notes')} rows={3} value={values.notes} onChange={(e) => set('notes', e.target.value)} {...errProps('notes')} />,
                true,
              )}
              <div className={`field field-wide field-check ${fieldErrors.opted_out ? 'has-error' : ''}`} data-field="opted_out">
                <label>
                  <input type="checkbox" checked={values.opted_out} onChange={(e) => set('opted_out', e.target.checked)} /> {t('field.opted_out')}
                </label>
                {fieldErrors.opted_out && <span className="field-error">{fieldErrors.opted_out}</span>}
              </div>
            </div>
          </fieldset>

          <fieldset className={fieldErrors.custom_fields ? 'has-error' : ''} data-field="custom_fields">
            <legend>{t('field.custom_fields')}</legend>
            {values.custom.map((row, i) => (
              <div className="custom-row" key={i}>
                <input
                  aria-label={t('form.customKey')}
                  placeholder={t('form.customKey')}
                  value={row.key}
                  onChange={(e) => set('custom', values.custom.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
                />
                <input
                  aria-label={t('form.customValue')}
                  placeholder={t('form.customValue')}
                  value={row.value}
                  onChange={(e) => set('custom', values.custom.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                />
                <button type="button" className="btn btn-ghost btn-icon" aria-label={t('form.removeCustomField')} onClick={() => set('custom', values.custom.filter((_, j) => j !== i))}>
                  ×
                </button>
              </div>
            ))}
            <button type="button" className="btn btn-ghost btn-small" onClick={() => set('custom', [...values.custom, { key: '', value: '' }])}>
              {t('form.addCustomField')}
            </button>
            {fieldErrors.custom_fields && <div className="field-error">{fieldErrors.custom_fields}</div>}
          </fieldset>

          {datalist('sector')}
          {datalist('region')}
          {datalist('owner')}
          {datalist('source')}
        </div>
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            {t('form.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : t('form.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

const FIELD_NAMES = new Set<string>([
  ...TEXT_FIELDS, 'company_size', 'employees', 'annual_revenue', 'status', 'tags', 'custom_fields', 'opted_out', 'last_contact_at',
]);
