// The Segmentation page. Three views, each in the URL:
//  - /segmentation (with the prospect list's filter parameters, and ?from=ID): the form of a
//    new run (which prospects, which criteria, how many segments or "automatic") above the
//    list of earlier runs, two of which can be ticked to compare them;
//  - /segmentation?run=ID: one run, followed live while its job runs (progress bar), then its
//    quality, map, sizes, and one card per segment (rename, describe, see its prospects), with
//    "apply this split" (prospects then carry their segment id);
//  - /segmentation?compare=A,B: two runs side by side.
// Loaded with the chart library, on first visit only (like the dashboard).
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as api from '../api';
import { ApiError, type ListMeta, type Session } from '../api';
import { formatDate, formatDateTime, formatNumber, formatShare, t, tn, useLang, type MessageKey } from '../i18n';
import { RateMeter, canCancel, canRetry, isActive, type Job } from '../models/job';
import { COMPANY_SIZES, STATUSES, queryToParams, type Facets, type FilterKey, type ProspectQuery } from '../models/prospect';
import {
  AUTO_K_MAX, AUTO_K_MIN, AUTO_MIN_ROWS, DEFAULT_K, K_MAX, K_MIN, RUN_NAME_MAX, byIndex, compareHref, defaultRunName, fieldKind, hasActiveJob,
  isAutomatic, isComputing, newRunHref, parseSegmentationView, qualityOf, runFilter, runHref, type Feature, type FeatureKind,
  type Segment, type Segmentation as Run,
} from '../models/segmentation';
import { Link, navigate, useLocation } from '../router';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DayFilter } from '../components/DayFilter';
import { DebouncedInput } from '../components/DebouncedInput';
import { FacetFilter, type FacetOption } from '../components/FacetFilter';
import { JobProgressBar } from '../components/ProgressBar';
import { SegmentCard } from '../components/SegmentCard';
import { SegmentFilterChips } from '../components/SegmentFilterChips';
import { KScoresCard, SegmentMapCard, SegmentSizesCard } from '../components/SegmentationCharts';
import { describeError } from '../components/errors';
import { fieldLabel, filterLabel, segmentColor, silhouetteLabel } from '../components/segmentLabels';
import { useLiveJob } from '../components/useLiveJob';
import { usePolling } from '../components/usePolling';

/** Says who started a run: "vous", an admin's view of other users' names, or "utilisateur n° 3". */
type Who = (id: number | null) => string;

function useWho(session: Session): Who {
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const admin = session.user.role === 'admin';
  useEffect(() => {
    if (!admin) return;
    const ctrl = new AbortController();
    api.listUsers(ctrl.signal).then(
      (users) => setNames(new Map(users.map((u) => [u.id, u.name || u.email]))),
      () => {
        // Without the list, users show by number.
      },
    );
    return () => ctrl.abort();
  }, [admin]);
  return useCallback(
    (id: number | null) => (id === null ? t('kpi.none') : id === session.user.id ? t('seg.you') : (names.get(id) ?? t('seg.user', { id }))),
    [names, session.user.id],
  );
}

export function Segmentation({ session }: { session: Session }) {
  useLang();
  const { search } = useLocation();
  const view = useMemo(() => parseSegmentationView(search), [search]);
  const who = useWho(session);

  return (
    <div className="segmentation-page">
      <div className="page-head">
        <h1>{t('seg.title')}</h1>
      </div>
      {view.kind === 'new' && (
        <>
          <p className="page-intro muted">{t('seg.intro')}</p>
          <NewRunForm key={view.from ?? 0} query={view.query} from={view.from} />
          <RunHistory who={who} />
        </>
      )}
      {view.kind === 'run' && <RunView key={view.id} id={view.id} who={who} />}
      {view.kind === 'compare' && <CompareView key={view.ids.join(',')} ids={view.ids} who={who} />}
    </div>
  );
}

// --- a new run ----------------------------------------------------------------------------

/** The prospects filters the form offers, as the prospect list's. */
const FACETS: readonly (readonly [FilterKey, MessageKey])[] = [
  ['status', 'field.status'],
  ['sector', 'field.sector'],
  ['region', 'field.region'],
  ['company_size', 'field.company_size'],
  ['tags', 'field.tags'],
  ['owner', 'field.owner'],
  ['source', 'field.source'],
];

const GROUPS: readonly (readonly [string, FeatureKind[]])[] = [
  ['seg.group.category', ['category', 'tags']],
  ['seg.group.number', ['number']],
  ['seg.group.text', ['text']],
];

/** Reads a field's errors from a 422: "fields", "k", "name", "filter.<param>", "rows"… */
function fieldErrors(e: unknown): { byField: Record<string, string>; general: string } {
  if (!(e instanceof ApiError) || !e.fields.length) return { byField: {}, general: describeError(e) };
  const byField: Record<string, string> = {};
  for (const f of e.fields) {
    const key = f.field.startsWith('filter.') ? 'filter' : f.field.startsWith('fields') ? 'fields' : f.field;
    const msg = f.field.startsWith('filter.') ? t('seg.pair', { label: fieldLabel(f.field.slice('filter.'.length)), value: f.message }) : f.message;
    byField[key] = byField[key] ? `${byField[key]} ${msg}` : msg;
  }
  return { byField, general: '' };
}

function NewRunForm({ query, from }: { query: ProspectQuery; from: number | null }) {
  const [features, setFeatures] = useState<Feature[] | null>(null);
  const [featuresError, setFeaturesError] = useState('');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [auto, setAuto] = useState(true);
  const [kText, setKText] = useState(String(DEFAULT_K));
  const [name, setName] = useState('');
  const [source, setSource] = useState<Run | null>(null);
  // Whether the run of `from` was read (or could not be): until then the defaults wait.
  const [fromRead, setFromRead] = useState(from === null);
  const [facets, setFacets] = useState<Facets>({});
  const [matching, setMatching] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState('');
  const filter = runFilter(query);
  const filterKey = new URLSearchParams(filter).toString();

  useEffect(() => {
    const ctrl = new AbortController();
    api.segmentationFeatures(ctrl.signal).then(setFeatures, (e) => {
      if (!ctrl.signal.aborted) setFeaturesError(describeError(e));
    });
    api.prospectFacets(ctrl.signal).then(setFacets, () => {
      // The filters still work without their suggestions.
    });
    return () => ctrl.abort();
  }, []);

  // "New segmentation with these settings": the criteria and k of that run.
  useEffect(() => {
    if (from === null) return;
    const ctrl = new AbortController();
    api.getSegmentation(from, ctrl.signal).then(
      (run) => {
        setSource(run);
        setChosen(run.params.fields);
        setAuto(isAutomatic(run));
        if (!isAutomatic(run)) setKText(String(run.params.k));
        setFromRead(true);
      },
      () => {
        // An unknown run: the defaults.
        if (!ctrl.signal.aborted) setFromRead(true);
      },
    );
    return () => ctrl.abort();
  }, [from]);

  useEffect(() => {
    if (chosen === null && features && fromRead) setChosen(features.filter((f) => f.default).map((f) => f.field));
  }, [features, chosen, fromRead]);

  useEffect(() => {
    const ctrl = new AbortController();
    setMatching(null);
    api.listProspects({ ...query, page: 1, per_page: 1 }, ctrl.signal).then(
      (r) => setMatching(r.meta.total),
      () => {
        // The count is a hint; the API checks the filter when the run starts.
      },
    );
    return () => ctrl.abort();
    // filterKey stands for the filter of `query`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);

  const setQuery = (patch: Partial<Omit<ProspectQuery, 'filters'>> & { filters?: Partial<ProspectQuery['filters']> }) => {
    const next = { ...query, ...patch, filters: { ...query.filters, ...patch.filters } };
    navigate(newRunHref(runFilter(next), from), { replace: true });
    setErrors(({ filter: _dropped, ...rest }) => rest);
  };

  const facetOptions = (name: FilterKey): FacetOption[] => {
    const counts = new Map((facets[name as keyof Facets] ?? []).map((f) => [f.value, f.count]));
    if (name === 'status') return STATUSES.map((s) => ({ value: s, label: t(`status.${s}`), count: counts.get(s) }));
    if (name === 'company_size') return COMPANY_SIZES.map((s) => ({ value: s, label: t(`size.${s}`), count: counts.get(s) }));
    return (facets[name as keyof Facets] ?? []).map((f) => ({ value: f.value, label: f.value, count: f.count }));
  };

  const fields = chosen ?? [];
  const k = Number(kText);
  const kValid = Number.isInteger(k) && k >= K_MIN && k <= K_MAX;
  const needed = auto ? AUTO_MIN_ROWS : kValid ? k : K_MIN;
  const tooFew = matching !== null && matching < needed;
  // The form lists the API's features; a run's fields it no longer offers still show, to be unticked.
  const allFeatures: Feature[] = [...(features ?? [])];
  for (const f of fields) if (!allFeatures.some((x) => x.field === f)) allFeatures.push({ field: f, kind: fieldKind(f), default: false });

  const toggle = (field: string) => {
    setChosen(fields.includes(field) ? fields.filter((f) => f !== field) : [...fields, field]);
    setErrors(({ fields: _dropped, ...rest }) => rest);
  };

  const start = async () => {
    setBusy(true);
    setErrors({});
    setGeneral('');
    try {
      const run = await api.createSegmentation({
        ...(name.trim() ? { name: name.trim() } : {}),
        filter,
        // In the order the API lists them, whatever order they were ticked in.
        fields: allFeatures.map((f) => f.field).filter((f) => fields.includes(f)),
        k: auto ? 'auto' : k,
      });
      justStarted = run;
      navigate(runHref(run.id));
    } catch (e) {
      setBusy(false);
      const { byField, general: g } = fieldErrors(e);
      setErrors(byField);
      setGeneral(g || (Object.keys(byField).length ? t('seg.new.errors') : ''));
    }
  };

  const canStart = !busy && fields.length > 0 && (auto || kValid) && !tooFew;

  return (
    <section className="panel seg-new" aria-labelledby="seg-new-title" data-testid="new-run">
      <h2 id="seg-new-title">{t('seg.new.title')}</h2>
      {source && <p className="muted small">{t('seg.new.fromRun', { name: source.name })}</p>}

      <fieldset className="seg-step">
        <legend>{t('seg.new.prospects')}</legend>
        <p className="muted small seg-step-help">{t('seg.new.prospectsHelp')}</p>
        <div className="filters">
          <label className={`facet facet-input ${query.q ? 'facet-active' : ''}`}>
            <span className="facet-label">{t('seg.new.search')}</span>
            <DebouncedInput value={query.q} onCommit={(q) => setQuery({ q })} placeholder={t('seg.new.searchPlaceholder')} />
          </label>
          {FACETS.map(([key, label]) => (
            <FacetFilter key={key} name={key} label={t(label)} options={facetOptions(key)} selected={query.filters[key]} onChange={(values) => setQuery({ filters: { [key]: values } })} />
          ))}
          <DayFilter name="created_from" label={t('filter.createdFrom')} value={query.created_from} onChange={(v) => setQuery({ created_from: v })} />
          <DayFilter name="created_to" label={t('filter.createdTo')} value={query.created_to} onChange={(v) => setQuery({ created_to: v })} />
          <SegmentFilterChips ids={query.filters.segment} onChange={(segment) => setQuery({ filters: { segment } })} />
        </div>
        <p className="seg-matching" data-testid="matching">
          {matching !== null && (
            <>
              {t('seg.new.matching', { prospects: tn('prospects.total', matching) })}{' '}
              <Link href={`/prospects?${queryToParams({ ...query, page: 1 }, true)}`}>{t('seg.new.seeList')}</Link>
            </>
          )}
        </p>
        {tooFew && (
          <p className="field-error" role="alert">
            {t('seg.new.tooFew', { n: needed })}
          </p>
        )}
        {errors.filter && <p className="field-error">{errors.filter}</p>}
      </fieldset>

      <fieldset className="seg-step" aria-describedby="seg-features-help">
        <legend>{t('seg.new.features')}</legend>
        <p className="muted small seg-step-help" id="seg-features-help">
          {t('seg.new.featuresHelp')}
        </p>
        {featuresError && <div className="alert alert-error">{featuresError}</div>}
        {!features && !featuresError && <p className="muted">{t('seg.new.featuresLoading')}</p>}
        {features && (
          <div className="seg-feature-groups">
            {GROUPS.map(([title, kinds]) => {
              const list = allFeatures.filter((f) => kinds.includes(f.kind));
              if (!list.length) return null;
              return (
                <div key={title} className="seg-feature-group" role="group" aria-label={t(title as MessageKey)}>
                  <div className="seg-group-title">{t(title as MessageKey)}</div>
                  {list.map((f) => (
                    <label key={f.field} className="seg-feature">
                      <input type="checkbox" checked={fields.includes(f.field)} onChange={() => toggle(f.field)} data-field={f.field} />
                      <span>{fieldLabel(f.field)}</span>
                    </label>
                  ))}
                </div>
              );
            })}
          </div>
        )}
        {features && fields.length === 0 && <p className="field-error">{t('seg.new.noFeatures')}</p>}
        {errors.fields && <p className="field-error">{errors.fields}</p>}
      </fieldset>

      <fieldset className="seg-step">
        <legend>{t('seg.new.k')}</legend>
        <div className="choice-list">
          <label className={`choice ${auto ? 'choice-on' : ''}`}>
            <input type="radio" name="seg-k" checked={auto} onChange={() => setAuto(true)} />
            <span>
              <strong>{t('seg.new.auto')}</strong>
              <span className="muted">{t('seg.new.autoHelp')}</span>
            </span>
          </label>
          <label className={`choice ${!auto ? 'choice-on' : ''}`}>
            <input type="radio" name="seg-k" checked={!auto} onChange={() => setAuto(false)} />
            <span>
              <strong>{t('seg.new.fixed')}</strong>
              <span className="muted">{t('seg.new.fixedHelp')}</span>
            </span>
          </label>
        </div>
        {!auto && (
          <label className="field seg-k">
            <span>{t('seg.new.kLabel')}</span>
            <input
              type="number"
              min={K_MIN}
              max={K_MAX}
              step={1}
              value={kText}
              onChange={(e) => {
                setKText(e.target.value);
                setErrors(({ k: _dropped, ...rest }) => rest);
              }}
              aria-invalid={!kValid || errors.k ? true : undefined}
            />
            {!kValid && <span className="field-error">{t('seg.new.kInvalid')}</span>}
            {errors.k && <span className="field-error">{errors.k}</span>}
          </label>
        )}
      </fieldset>

      <fieldset className="seg-step">
        <legend>{t('seg.new.name')}</legend>
        <label className="field seg-name">
          <span className="visually-hidden">{t('seg.new.nameLabel')}</span>
          <input
            value={name}
            maxLength={RUN_NAME_MAX}
            onChange={(e) => setName(e.target.value)}
            placeholder={defaultRunName()}
            aria-label={t('seg.new.nameLabel')}
          />
          {errors.name && <span className="field-error">{errors.name}</span>}
        </label>
      </fieldset>

      {(general || errors.rows) && (
        <div className="alert alert-error" role="alert">
          {general && <div>{general}</div>}
          {errors.rows && <div>{errors.rows}</div>}
        </div>
      )}
      <div className="step-actions">
        <button type="button" className="btn btn-primary btn-large" onClick={start} disabled={!canStart}>
          {busy ? t('seg.new.starting') : t('seg.new.start')}
        </button>
      </div>
      <p className="muted small seg-apply-note">{t('seg.new.applyNote')}</p>
    </section>
  );
}

// --- earlier runs -------------------------------------------------------------------------

const HISTORY_PER_PAGE = 20;

function StateBadge({ run }: { run: Run }) {
  return (
    <>
      <span className={`badge state-${run.state === 'ready' ? 'succeeded' : run.state}`} data-testid="run-state">
        {t(`seg.state.${run.state}`)}
      </span>
      {run.applied && <span className="badge seg-applied-badge">{t('seg.applied')}</span>}
    </>
  );
}

function QualityBadge({ run }: { run: Pick<Run, 'quality' | 'silhouette'> }) {
  const q = qualityOf(run);
  if (!q) return <span className="muted">{t('kpi.none')}</span>;
  return (
    <span className={`badge seg-quality seg-quality-${q}`} data-quality={q}>
      {t(`seg.quality.${q}`)}
    </span>
  );
}

function RunHistory({ who }: { who: Who }) {
  const [page, setPage] = useState(1);
  const [ticked, setTicked] = useState<number[]>([]);

  // Runs being computed elsewhere show their end without a reload.
  const { data: list, error } = usePolling<{ items: Run[]; meta: ListMeta }>(
    (signal) => api.listSegmentations(page, HISTORY_PER_PAGE, signal),
    { again: (res) => (res.items.some(hasActiveJob) ? 2000 : null), retryMs: 5000 },
    [page],
  );

  const items = list?.items ?? [];
  const total = list?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / HISTORY_PER_PAGE));
  const tick = (id: number) =>
    setTicked((old) => (old.includes(id) ? old.filter((x) => x !== id) : [...old, id].slice(-2)));

  return (
    <section className="seg-history" aria-labelledby="seg-history-title">
      <div className="seg-history-head">
        <h2 id="seg-history-title">{t('seg.history.title')}</h2>
        <div className="spacer" />
        {items.length > 1 && (
          <>
            {ticked.length < 2 && <span className="muted small">{t('seg.history.compareHint')}</span>}
            <button type="button" className={`btn btn-small ${ticked.length === 2 ? 'btn-primary' : ''}`} disabled={ticked.length !== 2} onClick={() => navigate(compareHref(ticked[0], ticked[1]))}>
              {t('seg.history.compare')}
            </button>
          </>
        )}
      </div>
      {error && (
        <div className="alert alert-error" role="alert">
          {error} {t('error.retrying')}
        </div>
      )}
      {list && items.length === 0 && <p className="muted">{t('seg.history.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="grid-table seg-history-table" data-testid="runs">
            <thead>
              <tr>
                <th className="col-check">
                  <span className="visually-hidden">{t('seg.history.col.compare')}</span>
                </th>
                <th>{t('seg.history.col.name')}</th>
                <th>{t('seg.history.col.created')}</th>
                <th>{t('seg.history.col.by')}</th>
                <th className="num">{t('seg.history.col.rows')}</th>
                <th className="num">{t('seg.history.col.k')}</th>
                <th>{t('seg.history.col.quality')}</th>
                <th>{t('seg.history.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-run-id={r.id} className={ticked.includes(r.id) ? 'selected' : ''}>
                  <td className="col-check">
                    <input type="checkbox" checked={ticked.includes(r.id)} onChange={() => tick(r.id)} aria-label={t('seg.history.compareOne', { name: r.name })} />
                  </td>
                  <td className="col-strong seg-run-name" title={r.name}>
                    <Link href={runHref(r.id)}>{r.name}</Link> <span className="muted small">{t('jobs.number', { id: r.id })}</span>
                  </td>
                  <td className="nowrap">{formatDateTime(r.created_at)}</td>
                  <td>{who(r.created_by)}</td>
                  <td className="num">{r.state === 'ready' ? formatNumber(r.rows) : ''}</td>
                  <td className="num">
                    {r.k !== null ? formatNumber(r.k) : ''}
                    {isAutomatic(r) && <span className="muted small"> ({t('seg.automatic')})</span>}
                  </td>
                  <td>{r.state === 'ready' ? <QualityBadge run={r} /> : ''}</td>
                  <td className="nowrap">
                    <StateBadge run={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <div className="pager">
          <div className="spacer" />
          <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('seg.history.newer')}
          </button>
          <span className="page-of">{t('prospects.page', { page: formatNumber(page), pages: formatNumber(pages) })}</span>
          <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('seg.history.older')}
          </button>
        </div>
      )}
    </section>
  );
}

// --- one run ------------------------------------------------------------------------------

const FIT_POLL_MS = 2000;

/** The run the form just started, so that its page shows it (queued, with its job) at once. */
let justStarted: Run | null = null;

function RunView({ id, who }: { id: number; who: Who }) {
  const lang = useLang();
  const [run, setRun] = useState<Run | null>(() => (justStarted?.id === id ? justStarted : null));
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);
  const [actionError, setActionError] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [applying, setApplying] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: number | undefined;
    api.getSegmentation(id, ctrl.signal).then(
      (r) => {
        setRun(r);
        setError('');
      },
      (e) => {
        if (ctrl.signal.aborted) return;
        setError(describeError(e));
        // A run that is gone stays gone; any other failure (the server restarting) is retried.
        if (!(e instanceof ApiError && e.status === 404)) timer = window.setTimeout(() => setReload((n) => n + 1), 5000);
      },
    );
    return () => {
      ctrl.abort();
      window.clearTimeout(timer);
    };
  }, [id, reload]);

  // A run still "running" after its job ended (the job's end is written first), or without a
  // job yet: read again shortly. A followed job reloads the run itself when it ends.
  const followed = run?.job && isActive(run.job) ? run.job : null;
  const stale = run !== null && isComputing(run) && !followed;
  useEffect(() => {
    if (!stale) return;
    const timer = window.setTimeout(() => setReload((n) => n + 1), 1000);
    return () => window.clearTimeout(timer);
  }, [stale, run]);
  // While the fit runs, the run is read again now and then: once the fit is saved the result
  // shows, while the job goes on writing each prospect's segment (long on a big base).
  const fitting = run !== null && isComputing(run) && followed !== null;
  useEffect(() => {
    if (!fitting) return;
    const timer = window.setTimeout(() => setReload((n) => n + 1), FIT_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [fitting, run]);

  if (error) {
    return (
      <>
        <Link href="/segmentation" className="seg-back">{t('seg.run.back')}</Link>
        <div className="alert alert-error" role="alert">{error}</div>
      </>
    );
  }
  if (!run) return <div className="boot-message">{t('app.loading')}</div>;

  const ready = run.state === 'ready';
  const jobBusy = hasActiveJob(run);
  const linkable = ready && run.applied && !jobBusy;
  const job = run.job;
  const applyFailed = ready && job !== null && job.state === 'failed';

  const apply = async () => {
    setActionError('');
    setApplying(true);
    try {
      setRun(await api.applySegmentation(run.id));
    } catch (e) {
      setActionError(describeError(e));
    } finally {
      setApplying(false);
    }
  };
  const retry = async () => {
    if (!job) return;
    setActionError('');
    try {
      await api.retryJob(job.id);
      setReload((n) => n + 1);
    } catch (e) {
      setActionError(describeError(e));
    }
  };

  return (
    <div className="seg-run" data-testid="run" data-run-id={run.id} data-state={run.state}>
      <Link href="/segmentation" className="seg-back">{t('seg.run.back')}</Link>
      <section className="panel seg-run-head">
        <div className="seg-run-title">
          <h2 data-testid="run-name">{run.name}</h2>
          <span className="muted small">{t('jobs.number', { id: run.id })}</span>
          <StateBadge run={run} />
        </div>
        <p className="muted small">{t('seg.run.createdBy', { date: formatDateTime(run.created_at), who: who(run.created_by) })}</p>
        <RunParams run={run} />
        <div className="step-actions">
          {ready && !jobBusy && (
            <button type="button" className={`btn ${run.applied ? '' : 'btn-primary'}`} onClick={apply} disabled={applying} data-testid="apply">
              {run.applied ? t('seg.run.reapply') : t('seg.run.apply')}
            </button>
          )}
          <Link href={newRunHref(run.params.filter, run.id)} className="btn">
            {t('seg.run.again')}
          </Link>
          {!jobBusy && (
            <button type="button" className="btn btn-danger-ghost" onClick={() => setDeleting(true)}>
              {t('seg.run.delete')}
            </button>
          )}
        </div>
        {ready && !jobBusy && (
          <p className="muted small seg-apply-help" data-testid="apply-help">
            {run.applied && run.applied_at ? `${t('seg.run.appliedAt', { date: formatDateTime(run.applied_at) })} ${t('seg.run.reapplyHelp')}` : t('seg.run.applyHelp')}
          </p>
        )}
        {actionError && (
          <div className="alert alert-error" role="alert">
            {actionError}
          </div>
        )}
      </section>

      {followed && (
        <RunProgress key={`${followed.id}-${followed.attempt}`} job={followed} applying={!isComputing(run)} onEnded={() => setReload((n) => n + 1)} />
      )}

      {(run.state === 'failed' || run.state === 'cancelled' || applyFailed) && (
        <div className="alert alert-error" role="alert" data-testid="run-error">
          <strong>{t(applyFailed ? 'seg.run.applyFailed' : run.state === 'failed' ? 'seg.run.failed' : 'seg.run.cancelled')}</strong>
          {job?.error && <div>{t('jobs.error', { error: job.error })}</div>}
          {job && canRetry(job) && (
            <div className="step-actions">
              <button type="button" className="btn btn-small" onClick={retry}>
                {t('seg.run.retry')}
              </button>
            </div>
          )}
        </div>
      )}

      {ready && run.segments.length > 0 && (
        <RunResult
          // The charts draw their labels once: another language draws them again.
          key={lang}
          run={run}
          linkable={linkable}
          onSegmentSaved={(s) => setRun((old) => (old ? { ...old, segments: old.segments.map((x) => (x.id === s.id ? { ...x, ...s } : x)) } : old))}
        />
      )}

      {deleting && (
        <ConfirmDialog
          title={t('seg.run.deleteTitle')}
          text={t(run.applied ? 'seg.run.deleteTextApplied' : 'seg.run.deleteText', { name: run.name })}
          onCancel={() => setDeleting(false)}
          onConfirm={async () => {
            await api.deleteSegmentation(run.id);
            navigate('/segmentation');
          }}
        />
      )}
    </div>
  );
}

function RunParams({ run }: { run: Run }) {
  return (
    <dl className="facts seg-params" data-testid="run-params">
      <div>
        <dt>{t('seg.run.filter')}</dt>
        <dd>{filterLabel(run.params.filter)}</dd>
      </div>
      <div>
        <dt>{t('seg.run.fields')}</dt>
        <dd>{run.params.fields.map(fieldLabel).join(', ')}</dd>
      </div>
      <div>
        <dt>{t('seg.run.kAsked')}</dt>
        <dd>{isAutomatic(run) ? t('seg.run.kAuto') : t('seg.run.kFixed', { k: run.params.k ?? '' })}</dd>
      </div>
      {run.state === 'ready' && (
        <div>
          <dt>{t('seg.run.rows')}</dt>
          <dd data-testid="run-rows">{formatNumber(run.rows)}</dd>
        </div>
      )}
    </dl>
  );
}

/** The job of a run while it works: the fit, or an "apply". */
function RunProgress({ job: initial, applying, onEnded }: { job: Job; applying: boolean; onEnded: () => void }) {
  const meter = useRef(new RateMeter()).current;
  const ended = useRef(onEnded);
  useEffect(() => {
    ended.current = onEnded;
  });
  const live = useLiveJob(initial.id, {
    initial,
    onChange: (j) => {
      meter.observe(j);
      if (!isActive(j)) ended.current();
    },
  });
  const job = live.job ?? initial;
  const [cancelError, setCancelError] = useState('');
  const cancel = async () => {
    setCancelError('');
    try {
      await api.cancelJob(job.id);
    } catch (e) {
      setCancelError(describeError(e));
    }
  };
  return (
    <section className="panel job-step" data-testid="run-progress" data-state={job.state}>
      <div className="job-step-head">
        <h2 aria-live="polite">{t(applying ? 'seg.run.applying' : 'seg.run.computing')}</h2>
        <span className={`badge state-${job.state}`}>{t(`job.state.${job.state}`)}</span>
        <div className="spacer" />
        {canCancel(job) && (
          <button type="button" className="btn btn-small btn-danger-ghost" onClick={cancel}>
            {t('seg.run.cancel')}
          </button>
        )}
      </div>
      <JobProgressBar job={job} meter={meter} />
      {job.state === 'queued' && <p className="muted">{t('seg.run.queued')}</p>}
      {job.cancel_requested && isActive(job) && <p className="muted">{t('seg.run.cancelRequested')}</p>}
      {live.error && <div className="alert alert-error">{live.error}</div>}
      {cancelError && (
        <div className="alert alert-error" role="alert">
          {cancelError}
        </div>
      )}
    </section>
  );
}

function RunResult({ run, linkable, onSegmentSaved }: { run: Run; linkable: boolean; onSegmentSaved: (s: Segment) => void }) {
  const segments = byIndex(run.segments);
  const automatic = isAutomatic(run) && run.k_scores.length > 0;
  return (
    <div className="seg-result" data-testid="run-result">
      <div className={`seg-top-grid ${automatic ? '' : 'seg-top-single'}`}>
        <QualityPanel run={run} />
        {automatic && <KScoresCard scores={run.k_scores} chosen={run.k} />}
      </div>
      <div className="seg-chart-grid">
        <SegmentMapCard run={run} />
        <SegmentSizesCard run={run} linkable={linkable} />
      </div>
      <section aria-labelledby="seg-cards-title">
        <div className="seg-cards-head">
          <h2 id="seg-cards-title">{t('seg.cards.title')}</h2>
          <span className="muted">{tn('seg.segments', segments.length)}</span>
        </div>
        {!linkable && <p className="muted small">{t('seg.card.seeAfterApply')}</p>}
        <div className="seg-cards">
          {segments.map((s) => (
            <SegmentCard key={s.id} runId={run.id} segment={s} linkable={linkable} onSaved={onSegmentSaved} />
          ))}
        </div>
      </section>
    </div>
  );
}

function QualityPanel({ run }: { run: Run }) {
  const q = qualityOf(run);
  const scores = run.k_scores;
  const ks = scores.map((s) => s.k);
  return (
    <section className={`panel seg-quality-panel ${q ? `seg-quality-panel-${q}` : ''}`} aria-labelledby="seg-quality-title" data-testid="quality">
      <h2 id="seg-quality-title">{t('seg.quality.title')}</h2>
      <div className="seg-grade">
        <QualityBadge run={run} />
        <span className="seg-silhouette" data-testid="silhouette">
          {run.silhouette === null ? t('seg.quality.none') : t('seg.quality.score', { value: silhouetteLabel(run.silhouette) })}
        </span>
      </div>
      {q && <p>{t(`seg.quality.${q}.help`)}</p>}
      <p className="muted small">{t('seg.quality.scale')}</p>
      {isAutomatic(run) && run.k !== null && (
        <p className="small" data-testid="auto-k">
          {t('seg.auto.chosen', {
            k: run.k,
            min: ks.length ? Math.min(...ks) : AUTO_K_MIN,
            max: ks.length ? Math.max(...ks) : AUTO_K_MAX,
          })}
        </p>
      )}
    </section>
  );
}

// --- two runs side by side ------------------------------------------------------------------

function CompareView({ ids, who }: { ids: [number, number]; who: Who }) {
  const [runs, setRuns] = useState<(Run | null)[]>([null, null]);
  const [error, setError] = useState('');
  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all(ids.map((id) => api.getSegmentation(id, ctrl.signal))).then(setRuns, (e) => {
      if (!ctrl.signal.aborted) setError(describeError(e));
    });
    return () => ctrl.abort();
  }, [ids]);

  const [a, b] = runs;
  const row = (label: string, cell: (r: Run) => ReactNode, key: string) => (
    <tr data-row={key}>
      <th scope="row">{label}</th>
      {a && <td>{cell(a)}</td>}
      {b && <td>{cell(b)}</td>}
    </tr>
  );

  return (
    <div className="seg-compare" data-testid="compare">
      <Link href="/segmentation" className="seg-back">{t('seg.run.back')}</Link>
      <h2>{t('seg.compare.title')}</h2>
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      {!error && (!a || !b) && <div className="boot-message">{t('app.loading')}</div>}
      {a && b && (
        <div className="table-wrap">
          <table className="grid-table seg-compare-table">
            <thead>
              <tr>
                <td />
                {[a, b].map((r) => (
                  <th key={r.id} scope="col" data-run-id={r.id}>
                    <Link href={runHref(r.id)}>{r.name}</Link> <span className="muted small">{t('jobs.number', { id: r.id })}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {row(t('seg.compare.created'), (r) => `${formatDateTime(r.created_at)} · ${who(r.created_by)}`, 'created')}
              {row(t('seg.run.filter'), (r) => filterLabel(r.params.filter), 'filter')}
              {row(t('seg.run.fields'), (r) => r.params.fields.map(fieldLabel).join(', '), 'fields')}
              {row(t('seg.run.kAsked'), (r) => (isAutomatic(r) ? t('seg.run.kAuto') : t('seg.run.kFixed', { k: r.params.k ?? '' })), 'k-asked')}
              {row(t('seg.compare.k'), (r) => (r.k === null ? t('seg.compare.notReady', { state: t(`seg.state.${r.state}`) }) : formatNumber(r.k)), 'k')}
              {row(t('seg.run.rows'), (r) => (r.state === 'ready' ? formatNumber(r.rows) : t('kpi.none')), 'rows')}
              {row(
                t('seg.quality.title'),
                (r) => (
                  <>
                    <QualityBadge run={r} /> <span className="muted small">{t('seg.quality.score', { value: silhouetteLabel(r.silhouette) })}</span>
                  </>
                ),
                'quality',
              )}
              {row(t('seg.compare.applied'), (r) => (r.applied ? `${t('seg.compare.yes')}${r.applied_at ? ` (${formatDate(r.applied_at)})` : ''}` : t('seg.compare.no')), 'applied')}
              {row(
                t('seg.compare.segments'),
                (r) => (
                  <ol className="seg-compare-segments">
                    {byIndex(r.segments).map((s) => (
                      <li key={s.id} data-segment-id={s.id}>
                        <span className="seg-swatch" style={{ background: segmentColor(s.index) }} aria-hidden="true" />
                        <span className="seg-compare-name">{s.name}</span>
                        <span className="muted nowrap" data-col="size">
                          {formatNumber(s.size)} · {formatShare(s.share)}
                        </span>
                        <span className="seg-share-track" aria-hidden="true">
                          <span className="seg-share-fill" style={{ width: `${Math.min(100, s.share * 100)}%`, background: segmentColor(s.index) }} />
                        </span>
                      </li>
                    ))}
                  </ol>
                ),
                'segments',
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
