// The dashboard: headline numbers, the sales funnel, prospects by sector / region / company
// size / source / owner, new and contacted prospects over time and data quality, for the
// prospects matching its filters (kept in the URL like the prospect list's). Every bar and
// funnel stage opens the prospect list on what it counts. Each chart has a title, a one-line
// summary and a table of its values (links included) that screen readers read instead of
// the canvas, and that anyone can show in place of the chart.
import { useCallback, useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import { ApiError } from '../api';
import { formatDay, formatMonth, formatNumber, formatShare, t, tn, useLang, type MessageKey } from '../i18n';
import {
  FUNNEL_STAGES, bucketEnd, conversionRate, dashboardHref, filterParams, hasDashboardFilters, parseDashboardQuery, prospectsHref,
  reachedStatuses, type Breakdown, type BreakdownKey, type Bucket, type DashboardFilter, type DashboardQuery, type Kpis,
  type Period,
} from '../models/kpis';
import { COMPANY_SIZES, type Facets, type Status } from '../models/prospect';
import { Link, navigate, useLocation } from '../router';
import { Chart, type ChartOption } from '../components/Chart';
import { ChartCard, TableLink, escapeHtml, useNarrow } from '../components/ChartCard';
import { DayFilter } from '../components/DayFilter';
import { FacetFilter, type FacetOption } from '../components/FacetFilter';
import { describeError } from '../components/errors';

// The app's palette (styles.css), so the charts match the status badges and buttons.
const COLOR = {
  primary: '#2f5bd3',
  primaryDark: '#2347a8',
  teal: '#0f7c8c',
  text: '#1d2433',
  muted: '#667085',
  grid: '#eceef2',
  track: '#e7eaf0',
  success: '#18794e',
  warning: '#b45309',
  danger: '#c4321c',
};
const STAGE_COLOR: Record<Status, string> = {
  new: '#5b6b8c',
  contacted: '#2f5bd3',
  qualified: '#6d3fc4',
  meeting: '#a15c07',
  won: '#18794e',
  lost: '#c4321c',
};
/** Bars drawn at most per breakdown chart; its table lists every value the API returned. */
const MAX_BARS = 12;
const ANIMATION_MS = 350;

const BREAKDOWNS: readonly BreakdownKey[] = ['sector', 'region', 'company_size', 'source', 'owner'];

function valueLabel(key: BreakdownKey, value: string): string {
  if (key === 'company_size' && (COMPANY_SIZES as readonly string[]).includes(value)) return t(`size.${value}` as MessageKey);
  if (key === 'status') return t(`status.${value}` as MessageKey);
  return value;
}

const dayShort = (ymd: string) => formatDay(ymd).slice(0, 5);

export function Dashboard() {
  const lang = useLang();
  const { search } = useLocation();
  const query = useMemo(() => parseDashboardQuery(search), [search]);
  const apiKey = filterParams(query).toString();

  const [kpis, setKpis] = useState<Kpis | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [reload, setReload] = useState(0);
  const [facets, setFacets] = useState<Facets>({});

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    api.getKpis(query, ctrl.signal).then(
      (k) => {
        setKpis(k);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // apiKey stands for the filters of `query` (the period changes no number).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [apiKey, reload]);

  useEffect(() => {
    const ctrl = new AbortController();
    api.prospectFacets(ctrl.signal).then(setFacets, () => {
      // The filters still work without suggestions; the page shows its own error if the API is down.
    });
    return () => ctrl.abort();
  }, []);

  const setQuery = useCallback((patch: Partial<Omit<DashboardQuery, 'filters'>> & { filters?: Partial<DashboardQuery['filters']> }) => {
    const current = parseDashboardQuery(window.location.search);
    navigate(dashboardHref({ ...current, ...patch, filters: { ...current.filters, ...patch.filters } }), { replace: true });
  }, []);

  const facetOptions = (name: DashboardFilter): FacetOption[] =>
    (facets[name] ?? []).map((f) => ({ value: f.value, label: f.value, count: f.count }));

  const filtered = hasDashboardFilters(query);

  return (
    <div className="dashboard-page" aria-busy={loading}>
      <div className="page-head">
        <h1>{t('dashboard.title')}</h1>
      </div>

      <div className="filters" role="group" aria-label={t('dashboard.filters')}>
        {(
          [
            ['sector', 'field.sector'],
            ['region', 'field.region'],
            ['owner', 'field.owner'],
            ['tags', 'field.tags'],
          ] as const
        ).map(([name, label]) => (
          <FacetFilter
            key={name}
            name={name}
            label={t(label)}
            options={facetOptions(name)}
            selected={query.filters[name]}
            onChange={(values) => setQuery({ filters: { [name]: values } })}
          />
        ))}
        <DayFilter name="created_from" label={t('filter.createdFrom')} value={query.created_from} onChange={(v) => setQuery({ created_from: v })} />
        <DayFilter name="created_to" label={t('filter.createdTo')} value={query.created_to} onChange={(v) => setQuery({ created_to: v })} />
        {filtered && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => navigate(dashboardHref({ ...parseDashboardQuery(''), period: query.period }), { replace: true })}>
            {t('dashboard.clearFilters')}
          </button>
        )}
      </div>

      {error && (
        <div className="alert alert-error dashboard-error" role="alert">
          <span>{describeError(error)}</span>
          {error instanceof ApiError && error.fields.length > 0 && (
            <ul>
              {error.fields.map((f) => (
                <li key={f.field + f.message}>
                  {f.field} : {f.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="btn btn-small" onClick={() => setReload((n) => n + 1)}>
            {t('dashboard.retry')}
          </button>
        </div>
      )}

      {!kpis && loading && (
        <div className="dashboard-loading" role="status">
          {t('dashboard.loading')}
        </div>
      )}

      {/* After a failed call the last numbers would belong to other filters: they are not shown. */}
      {kpis && !error && (
        <div className={`dashboard-body ${loading ? 'is-loading' : ''}`} key={lang}>
          <HeadlineCards kpis={kpis} query={query} />
          {kpis.total === 0 ? (
            <div className="panel empty">
              {filtered ? (
                t('dashboard.empty')
              ) : (
                <>
                  {t('dashboard.emptyAll')} <Link href="/import">{t('dashboard.import')}</Link>
                </>
              )}
            </div>
          ) : (
            <div className="dashboard-grid">
              <FunnelCard kpis={kpis} query={query} />
              <QualityCard kpis={kpis} />
              <NewProspectsCard kpis={kpis} query={query} onPeriod={(period) => setQuery({ period })} />
              <ContactedCard buckets={kpis.contacted_per_week} query={query} />
              {BREAKDOWNS.map((key) => (
                <BreakdownCard key={key} dimension={key} breakdown={kpis.by[key]} total={kpis.total} query={query} />
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

// --- headline numbers -----------------------------------------------------------------

function HeadlineCards({ kpis, query }: { kpis: Kpis; query: DashboardQuery }) {
  const reached = (s: Status) => kpis.funnel.stages.find((x) => x.status === s)?.reached ?? 0;
  const won = kpis.funnel.stages.find((x) => x.status === 'won')?.count ?? 0;
  const contacted = reached('contacted');
  const rate = conversionRate(kpis);
  const shareOfTotal = (n: number) => (kpis.total > 0 ? formatShare(n / kpis.total) : t('kpi.none'));
  const cards: { id: string; label: string; value: string; hint: string; href: string }[] = [
    { id: 'total', label: t('kpi.total'), value: formatNumber(kpis.total), hint: t('kpi.totalHint'), href: prospectsHref(query) },
    {
      id: 'contacted',
      label: t('kpi.contacted'),
      value: formatNumber(contacted),
      hint: t('kpi.contactedHint'),
      href: prospectsHref(query, { status: reachedStatuses('contacted') }),
    },
    { id: 'won', label: t('kpi.won'), value: formatNumber(won), hint: t('kpi.wonHint', { share: shareOfTotal(won) }), href: prospectsHref(query, { status: ['won'] }) },
    {
      id: 'conversion',
      label: t('kpi.conversion'),
      value: rate === null ? t('kpi.none') : formatShare(rate),
      hint: t('kpi.conversionHint', { won: formatNumber(reached('won')), contacted: formatNumber(contacted) }),
      href: prospectsHref(query, { status: ['won'] }),
    },
    {
      id: 'lost',
      label: t('kpi.lost'),
      value: formatNumber(kpis.funnel.lost),
      hint: t('kpi.lostHint', { share: shareOfTotal(kpis.funnel.lost) }),
      href: prospectsHref(query, { status: ['lost'] }),
    },
  ];
  return (
    <ul className="kpi-cards">
      {cards.map((c) => (
        <li key={c.id}>
          <Link href={c.href} className={`kpi-card kpi-${c.id}`}>
            <span className="kpi-label">{c.label}</span>
            <span className="kpi-value" data-testid={`kpi-${c.id}`}>
              {c.value}
            </span>
            <span className="kpi-hint">{c.hint}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

// --- funnel ---------------------------------------------------------------------------

function FunnelCard({ kpis, query }: { kpis: Kpis; query: DashboardQuery }) {
  const narrow = useNarrow();
  const stages = FUNNEL_STAGES.map(
    (s) => kpis.funnel.stages.find((x) => x.status === s) ?? { status: s, count: 0, reached: 0, rate: null },
  );
  const href = (s: Status) => prospectsHref(query, { status: reachedStatuses(s) });
  const max = Math.max(1, ...stages.map((s) => s.reached));
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: ANIMATION_MS,
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const { dataIndex } = p as { dataIndex: number };
          const s = stages[dataIndex];
          const rate = s.rate === null ? '' : `<br/>${escapeHtml(t('chart.funnel.rate'))} : ${formatShare(s.rate)}`;
          return `<strong>${escapeHtml(t(`status.${s.status}`))}</strong><br/>${escapeHtml(
            t('chart.funnel.tooltip', { reached: formatNumber(s.reached), count: formatNumber(s.count) }),
          )}${rate}`;
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          min: 0,
          max,
          // Wide enough for the label of the last stages; the exact sizes are in the labels and the table.
          minSize: narrow ? '46%' : '28%',
          maxSize: '100%',
          left: '6%',
          width: '88%',
          top: 6,
          bottom: 6,
          gap: 3,
          label: {
            position: 'inside',
            color: '#fff',
            fontWeight: 600,
            fontSize: narrow ? 12 : 13,
            formatter: (p) => {
              const s = stages[(p as { dataIndex: number }).dataIndex];
              const rate = s.rate === null || narrow ? '' : ` (${formatShare(s.rate)})`;
              return `${t(`status.${s.status}`)} · ${formatNumber(s.reached)}${rate}`;
            },
          },
          labelLine: { show: false },
          itemStyle: { borderWidth: 0 },
          emphasis: { label: { fontSize: 14 } },
          data: stages.map((s) => ({ name: t(`status.${s.status}`), value: s.reached, itemStyle: { color: STAGE_COLOR[s.status] } })),
        },
      ],
    }),
    // stages and max derive from kpis; the labels from the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kpis, narrow],
  );
  const list = stages.map((s) => `${t(`status.${s.status}`)} ${formatNumber(s.reached)}`).join(', ');
  return (
    <ChartCard
      id="funnel"
      title={t('chart.funnel.title')}
      summary={t('chart.funnel.summary', { list, lost: formatNumber(kpis.funnel.lost) })}
      help={t('dashboard.clickHintFunnel')}
      chart={<Chart option={option} height={260} onClick={(i) => navigate(href(stages[i].status))} testId="chart-funnel" />}
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{t('chart.funnel.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('chart.funnel.stage')}</th>
              <th scope="col" className="num">{t('chart.funnel.count')}</th>
              <th scope="col" className="num">{t('chart.funnel.reached')}</th>
              <th scope="col" className="num">{t('chart.funnel.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {stages.map((s) => (
              <tr key={s.status} data-status={s.status}>
                <th scope="row">{t(`status.${s.status}`)}</th>
                <td className="num" data-col="count">
                  <TableLink href={prospectsHref(query, { status: [s.status] })}>{formatNumber(s.count)}</TableLink>
                </td>
                <td className="num" data-col="reached">
                  <TableLink href={href(s.status)}>{formatNumber(s.reached)}</TableLink>
                </td>
                <td className="num" data-col="rate">
                  {s.rate === null ? t('kpi.none') : formatShare(s.rate)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
      notes={
        <Link href={prospectsHref(query, { status: ['lost'] })} className="chart-note-link">
          {t('chart.funnel.lost', { n: formatNumber(kpis.funnel.lost) })}
        </Link>
      }
    />
  );
}

// --- breakdowns -----------------------------------------------------------------------

function BreakdownCard({ dimension, breakdown, total, query }: { dimension: BreakdownKey; breakdown: Breakdown | undefined; total: number; query: DashboardQuery }) {
  const narrow = useNarrow();
  const b = breakdown ?? { values: [], others: 0, missing: 0 };
  const shown = b.values.slice(0, MAX_BARS);
  const share = (n: number) => (total > 0 ? formatShare(n / total) : t('kpi.none'));
  const href = (value: string) => prospectsHref(query, { [dimension]: [value] });
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: ANIMATION_MS,
      grid: { left: 4, right: 44, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const v = shown[(p as { dataIndex: number }).dataIndex];
          return `<strong>${escapeHtml(valueLabel(dimension, v.value))}</strong><br/>${formatNumber(v.count)} ${escapeHtml(t('chart.count').toLowerCase())} (${share(v.count)})`;
        },
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        splitNumber: narrow ? 3 : 5,
        axisLabel: { color: COLOR.muted, hideOverlap: true, formatter: (v: number) => formatNumber(v) },
        splitLine: { lineStyle: { color: COLOR.grid } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: shown.map((v) => valueLabel(dimension, v.value)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLOR.grid } },
        axisLabel: { color: COLOR.text, width: narrow ? 110 : 170, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: shown.map((v) => v.count),
          barMaxWidth: 20,
          itemStyle: { color: COLOR.primary, borderRadius: [0, 3, 3, 0] },
          emphasis: { itemStyle: { color: COLOR.primaryDark } },
          label: { show: true, position: 'right', color: COLOR.text, formatter: (p) => formatNumber(Number((p as { value: number }).value)) },
        },
      ],
    }),
    // shown derives from breakdown; the labels from the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [breakdown, total, narrow],
  );
  // Company sizes come in size order, every size listed (also with 0): the top is the largest count.
  const present = b.values.filter((v) => v.count > 0);
  const top = present.reduce<(typeof present)[number] | undefined>((best, v) => (!best || v.count > best.count ? v : best), undefined);
  const title = t(`chart.by.${dimension}` as MessageKey);
  return (
    <ChartCard
      id={dimension}
      title={title}
      summary={
        top
          ? t('chart.by.summary', {
              values: tn('chart.values', present.length),
              top: valueLabel(dimension, top.value),
              prospects: tn('prospects.total', top.count),
              share: share(top.count),
            })
          : t('chart.by.summaryEmpty')
      }
      help={shown.length ? t('dashboard.clickHint') : undefined}
      chart={
        shown.length ? (
          <Chart option={option} height={Math.max(120, 26 * shown.length + 36)} onClick={(i) => navigate(href(shown[i].value))} testId={`chart-${dimension}`} />
        ) : null
      }
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t(`field.${dimension}` as MessageKey)}</th>
              <th scope="col" className="num">{t('chart.count')}</th>
              <th scope="col" className="num">{t('chart.share')}</th>
            </tr>
          </thead>
          <tbody>
            {b.values.map((v) => (
              <tr key={v.value} data-value={v.value}>
                <th scope="row">
                  <TableLink href={href(v.value)}>{valueLabel(dimension, v.value)}</TableLink>
                </th>
                <td className="num" data-col="count">{formatNumber(v.count)}</td>
                <td className="num">{share(v.count)}</td>
              </tr>
            ))}
            {b.others > 0 && (
              <tr className="muted">
                <th scope="row">{t('chart.othersRow')}</th>
                <td className="num">{formatNumber(b.others)}</td>
                <td className="num">{share(b.others)}</td>
              </tr>
            )}
            {b.missing > 0 && (
              <tr className="muted">
                <th scope="row">{t('chart.missingRow')}</th>
                <td className="num">{formatNumber(b.missing)}</td>
                <td className="num">{share(b.missing)}</td>
              </tr>
            )}
          </tbody>
        </table>
      }
      notes={
        <>
          {b.values.length > MAX_BARS && <span>{t('chart.by.shown', { n: MAX_BARS })}</span>}
          {b.missing > 0 && <span>{t('chart.by.missing', { n: formatNumber(b.missing) })}</span>}
          {b.others > 0 && <span>{t('chart.by.others', { n: formatNumber(b.others) })}</span>}
        </>
      }
    />
  );
}

// --- time series ----------------------------------------------------------------------

function seriesOption(buckets: Bucket[], period: Period, color: string): ChartOption {
  const label = (b: Bucket) => (period === 'week' ? t('chart.weekOf', { date: formatDay(b.start) }) : formatMonth(b.start));
  return {
    animationDuration: ANIMATION_MS,
    grid: { left: 4, right: 12, top: 12, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const p = (Array.isArray(ps) ? ps[0] : ps) as { dataIndex: number };
        const b = buckets[p.dataIndex];
        return `<strong>${escapeHtml(label(b))}</strong><br/>${formatNumber(b.count)} ${escapeHtml(t('chart.count').toLowerCase())}`;
      },
    },
    xAxis: {
      type: 'category',
      data: buckets.map((b) => (period === 'week' ? dayShort(b.start) : formatMonth(b.start))),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: COLOR.grid } },
      axisLabel: { color: COLOR.muted, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: COLOR.muted, formatter: (v: number) => formatNumber(v) },
      splitLine: { lineStyle: { color: COLOR.grid } },
    },
    series: [{ type: 'bar', data: buckets.map((b) => b.count), barMaxWidth: 28, itemStyle: { color, borderRadius: [3, 3, 0, 0] } }],
  };
}

function seriesSummary(buckets: Bucket[], key: MessageKey, period: Period): string {
  if (!buckets.length) return t('chart.series.empty');
  const total = buckets.reduce((n, b) => n + b.count, 0);
  const best = buckets.reduce((a, b) => (b.count > a.count ? b : a));
  return t(key, {
    total: formatNumber(total),
    span: tn(period === 'week' ? 'chart.weeks' : 'chart.months', buckets.length),
    date: period === 'week' ? formatDay(best.start) : formatMonth(best.start),
    count: formatNumber(best.count),
  });
}

function SeriesTable({ buckets, period, caption, href }: { buckets: Bucket[]; period: Period; caption: string; href?: (b: Bucket) => string }) {
  return (
    <table className="grid-table data-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t(period === 'week' ? 'chart.week' : 'chart.month')}</th>
          <th scope="col" className="num">{t('chart.count')}</th>
        </tr>
      </thead>
      <tbody>
        {[...buckets].reverse().map((b) => {
          const label = period === 'week' ? t('chart.weekOf', { date: formatDay(b.start) }) : formatMonth(b.start);
          return (
            <tr key={b.start} data-start={b.start}>
              <th scope="row">{href ? <TableLink href={href(b)}>{label}</TableLink> : label}</th>
              <td className="num" data-col="count">{formatNumber(b.count)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function NewProspectsCard({ kpis, query, onPeriod }: { kpis: Kpis; query: DashboardQuery; onPeriod: (p: Period) => void }) {
  const { period } = query;
  const buckets = (period === 'week' ? kpis.new_per_week : kpis.new_per_month) ?? [];
  const href = (b: Bucket) => prospectsHref(query, {}, { from: b.start, to: bucketEnd(b.start, period) });
  const option = useMemo(() => seriesOption(buckets, period, COLOR.primary), [buckets, period]);
  return (
    <ChartCard
      id="new"
      title={t('chart.new.title')}
      summary={seriesSummary(buckets, period === 'week' ? 'chart.new.summary.week' : 'chart.new.summary.month', period)}
      help={buckets.length ? t('dashboard.clickHint') : undefined}
      actions={
        <div className="segmented" role="group" aria-label={t('chart.period')}>
          {(['week', 'month'] as const).map((p) => (
            <button key={p} type="button" aria-pressed={period === p} className={period === p ? 'active' : ''} onClick={() => onPeriod(p)}>
              {t(`chart.period.${p}`)}
            </button>
          ))}
        </div>
      }
      chart={buckets.length ? <Chart option={option} height={220} onClick={(i) => navigate(href(buckets[i]))} testId="chart-new" /> : null}
      table={<SeriesTable buckets={buckets} period={period} caption={t('chart.new.title')} href={href} />}
    />
  );
}

function ContactedCard({ buckets = [], query }: { buckets?: Bucket[]; query: DashboardQuery }) {
  const href = (b: Bucket) => prospectsHref(query, {}, undefined, { from: b.start, to: bucketEnd(b.start, 'week') });
  const option = useMemo(() => seriesOption(buckets, 'week', COLOR.teal), [buckets]);
  return (
    <ChartCard
      id="contacted"
      title={t('chart.contacted.title')}
      summary={seriesSummary(buckets, 'chart.contacted.summary', 'week')}
      help={t('chart.contacted.help')}
      chart={buckets.length ? <Chart option={option} height={220} onClick={(i) => navigate(href(buckets[i]))} testId="chart-contacted" /> : null}
      table={<SeriesTable buckets={buckets} period="week" caption={t('chart.contacted.title')} href={href} />}
    />
  );
}

// --- data quality ---------------------------------------------------------------------

function gaugeOption(share: number | null): ChartOption {
  const color = share === null ? COLOR.muted : share >= 0.8 ? COLOR.success : share >= 0.5 ? COLOR.warning : COLOR.danger;
  return {
    animationDuration: ANIMATION_MS,
    series: [
      {
        type: 'gauge',
        startAngle: 210,
        endAngle: -30,
        min: 0,
        max: 100,
        radius: '92%',
        center: ['50%', '58%'],
        progress: { show: true, width: 12, roundCap: true, itemStyle: { color } },
        axisLine: { roundCap: true, lineStyle: { width: 12, color: [[1, COLOR.track]] } },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        anchor: { show: false },
        title: { show: false },
        detail: {
          offsetCenter: [0, '0%'],
          fontSize: 22,
          fontWeight: 700,
          color: COLOR.text,
          formatter: () => (share === null ? t('kpi.none') : formatShare(share)),
        },
        data: [{ value: share === null ? 0 : Math.round(share * 1000) / 10 }],
      },
    ],
  };
}

function QualityCard({ kpis }: { kpis: Kpis }) {
  const q = kpis.quality;
  const items = [
    { id: 'email', label: t('quality.email'), missing: q?.missing_email },
    { id: 'phone', label: t('quality.phone'), missing: q?.missing_phone },
    { id: 'company', label: t('quality.company'), missing: q?.missing_company },
  ].map((g) => {
    const has = kpis.total - (g.missing?.count ?? 0);
    return { ...g, has, share: kpis.total > 0 ? has / kpis.total : null };
  });
  const options = useMemo(() => items.map((g) => gaugeOption(g.share)), [kpis]); // eslint-disable-line react-hooks/exhaustive-deps
  const detail = (g: (typeof items)[number]) =>
    t('quality.detail', { n: formatNumber(g.has), total: formatNumber(kpis.total), share: g.share === null ? t('kpi.none') : formatShare(g.share) });
  return (
    <ChartCard
      id="quality"
      title={t('quality.title')}
      summary={items.map((g) => t('quality.item', { label: g.label, detail: detail(g) })).join(' · ')}
      chart={
        <div className="gauges">
          {items.map((g, i) => (
            <figure key={g.id} className="gauge">
              <Chart option={options[i]} height={130} testId={`gauge-${g.id}`} />
              <figcaption>
                <strong>{g.label}</strong>
                <span className="muted">{detail(g)}</span>
              </figcaption>
            </figure>
          ))}
        </div>
      }
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{t('quality.title')}</caption>
          <tbody>
            {items.map((g) => (
              <tr key={g.id} data-quality={g.id}>
                <th scope="row">{g.label}</th>
                <td className="num">{detail(g)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
      notes={
        q?.imports && (
          <span>
            {t('quality.imports', { files: formatNumber(q.imports.files ?? 0), rows: formatNumber(q.imports.rows), rejected: formatNumber(q.imports.rejected), fixed: formatNumber(q.imports.fixed ?? 0) })}
          </span>
        )
      }
    />
  );
}
