// The charts of a segmentation run: the map of its prospects (the 2D PCA plane of a sample,
// coloured by segment, each segment's centre marked), the size of each segment, and for an
// automatic run the silhouette of each number of segments tried. Each is a ChartCard: a
// summary, the canvas, and a table of the same numbers for screen readers. Segment names are
// the users' text: drawn on the canvas or escaped in tooltips, never given to HTML.
import { useMemo } from 'react';
import { formatNumber, formatShare, t, tn } from '../i18n';
import { bestK, byIndex, segmentProspectsHref, type KScore, type Segmentation } from '../models/segmentation';
import { navigate } from '../router';
import { Chart, type ChartOption } from './Chart';
import { ChartCard, TableLink, escapeHtml, useNarrow } from './ChartCard';
import { segmentColor, silhouetteLabel } from './segmentLabels';

const ANIMATION_MS = 350;
const COLOR = { text: '#1d2433', muted: '#667085', grid: '#eceef2', primary: '#2f5bd3', track: '#a7afbf' };

/** "1. Industrie · Bretagne": the number matches the card's. */
const numbered = (index: number, name: string) => `${index + 1}. ${name}`;

/** A map axis: no unit to show, and a margin so that points and centres at the edge are drawn whole. */
const pad = (side: 1 | -1) => ({ min, max }: { min: number; max: number }) => {
  const m = (max - min || 1) * 0.08;
  return side < 0 ? min - m : max + m;
};
const PLANE_AXIS = {
  type: 'value' as const,
  min: pad(-1),
  max: pad(1),
  axisLabel: { show: false },
  axisTick: { show: false },
  axisLine: { show: false },
  splitLine: { lineStyle: { color: COLOR.grid } },
};

export function SegmentMapCard({ run }: { run: Segmentation }) {
  const narrow = useNarrow();
  const segments = byIndex(run.segments);
  const points = run.points ?? [];
  const centres = run.centroids_2d ?? [];
  const counts = useMemo(() => {
    const c = new Map<number, number>();
    for (const p of points) c.set(p.segment, (c.get(p.segment) ?? 0) + 1);
    return c;
  }, [points]);
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: ANIMATION_MS,
      grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: false },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const { seriesIndex } = p as { seriesIndex: number };
          const s = segments[seriesIndex % segments.length];
          if (!s) return '';
          const centre = seriesIndex >= segments.length ? ` (${escapeHtml(t('seg.map.centre'))})` : '';
          return `<strong>${escapeHtml(numbered(s.index, s.name))}</strong>${centre}<br/>${escapeHtml(tn('prospects.total', s.size))} · ${formatShare(s.share)}`;
        },
      },
      xAxis: { ...PLANE_AXIS },
      yAxis: { ...PLANE_AXIS },
      series: [
        ...segments.map((s) => ({
          type: 'scatter' as const,
          name: s.name,
          symbolSize: narrow ? 4 : 5,
          itemStyle: { color: segmentColor(s.index), opacity: 0.7 },
          emphasis: { scale: 1.8 },
          data: points.filter((p) => p.segment === s.index).map((p) => [p.x, p.y]),
        })),
        ...segments.map((s) => ({
          type: 'scatter' as const,
          name: s.name,
          symbol: 'diamond',
          symbolSize: narrow ? 16 : 20,
          z: 5,
          // Hollow, so that the points under it stay visible; numbered as in the legend and the cards.
          itemStyle: { color: 'rgba(255, 255, 255, 0.35)', borderColor: segmentColor(s.index), borderWidth: 2.5 },
          label: { show: true, position: 'right' as const, formatter: String(s.index + 1), color: segmentColor(s.index), fontWeight: 700, fontSize: 13 },
          data: centres[s.index] ? [[centres[s.index].x, centres[s.index].y]] : [],
        })),
      ],
    }),
    // segments, points and centres derive from the run; the labels from the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [run, narrow],
  );
  return (
    <ChartCard
      id="map"
      className="seg-map-card"
      title={t('seg.map.title')}
      summary={points.length ? t('seg.map.summary', { points: tn('prospects.total', points.length), rows: formatNumber(run.rows) }) : t('seg.map.empty')}
      help={t('seg.map.help')}
      chart={
        points.length ? (
          <>
            <Chart option={option} height={narrow ? 300 : 380} testId="chart-map" />
            <ul className="seg-legend" aria-label={t('seg.map.legend')}>
              {segments.map((s) => (
                <li key={s.id}>
                  <span className="seg-swatch" style={{ background: segmentColor(s.index) }} aria-hidden="true" />
                  {numbered(s.index, s.name)}
                </li>
              ))}
            </ul>
          </>
        ) : null
      }
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{t('seg.map.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('seg.col.segment')}</th>
              <th scope="col" className="num">{t('seg.map.points')}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.id}>
                <th scope="row">{numbered(s.index, s.name)}</th>
                <td className="num">{formatNumber(counts.get(s.index) ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function SegmentSizesCard({ run, linkable }: { run: Segmentation; linkable: boolean }) {
  const narrow = useNarrow();
  const segments = byIndex(run.segments);
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: ANIMATION_MS,
      grid: { left: 4, right: 70, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const s = segments[(p as { dataIndex: number }).dataIndex];
          return `<strong>${escapeHtml(numbered(s.index, s.name))}</strong><br/>${escapeHtml(tn('prospects.total', s.size))} (${formatShare(s.share)})`;
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
        data: segments.map((s) => numbered(s.index, s.name)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLOR.grid } },
        axisLabel: { color: COLOR.text, width: narrow ? 120 : 220, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 20,
          data: segments.map((s) => ({ value: s.size, itemStyle: { color: segmentColor(s.index), borderRadius: [0, 3, 3, 0] } })),
          label: {
            show: true,
            position: 'right',
            color: COLOR.text,
            formatter: (p) => {
              const s = segments[(p as { dataIndex: number }).dataIndex];
              return `${formatNumber(s.size)} (${formatShare(s.share)})`;
            },
          },
        },
      ],
    }),
    // segments derive from the run; the labels from the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [run, narrow],
  );
  const largest = segments.reduce<(typeof segments)[number] | undefined>((a, s) => (!a || s.size > a.size ? s : a), undefined);
  return (
    <ChartCard
      id="sizes"
      title={t('seg.sizes.title')}
      summary={
        largest
          ? t('seg.sizes.summary', { segments: tn('seg.segments', segments.length), name: largest.name, prospects: tn('prospects.total', largest.size), share: formatShare(largest.share) })
          : ''
      }
      help={linkable ? t('seg.sizes.help') : undefined}
      chart={
        <Chart
          option={option}
          height={Math.max(120, 28 * segments.length + 36)}
          onClick={linkable ? (i) => navigate(segmentProspectsHref(segments[i].id)) : undefined}
          testId="chart-sizes"
        />
      }
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{t('seg.sizes.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('seg.col.segment')}</th>
              <th scope="col" className="num">{t('seg.col.prospects')}</th>
              <th scope="col" className="num">{t('seg.col.share')}</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.id} data-segment-id={s.id}>
                <th scope="row">{linkable ? <TableLink href={segmentProspectsHref(s.id)}>{numbered(s.index, s.name)}</TableLink> : numbered(s.index, s.name)}</th>
                <td className="num" data-col="size">{formatNumber(s.size)}</td>
                <td className="num">{formatShare(s.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function KScoresCard({ scores, chosen }: { scores: KScore[]; chosen: number | null }) {
  const sorted = useMemo(() => [...scores].sort((a, b) => a.k - b.k), [scores]);
  const kept = chosen ?? bestK(sorted);
  const best = sorted.find((s) => s.k === kept);
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: ANIMATION_MS,
      grid: { left: 4, right: 16, top: 26, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const s = sorted[(p as { dataIndex: number }).dataIndex];
          const mark = s.k === kept ? ` (${escapeHtml(t('seg.kscores.kept'))})` : '';
          return `<strong>${escapeHtml(tn('seg.segments', s.k))}</strong>${mark}<br/>${escapeHtml(t('seg.kscores.silhouette'))} : ${silhouetteLabel(s.silhouette)}`;
        },
      },
      xAxis: {
        type: 'category',
        data: sorted.map((s) => String(s.k)),
        axisTick: { alignWithLabel: true },
        axisLine: { lineStyle: { color: COLOR.grid } },
        axisLabel: { color: COLOR.muted },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: COLOR.muted, formatter: (v: number) => silhouetteLabel(v) },
        splitLine: { lineStyle: { color: COLOR.grid } },
      },
      series: [
        {
          type: 'line',
          lineStyle: { color: COLOR.track, width: 2 },
          itemStyle: { color: COLOR.track },
          symbolSize: 7,
          data: sorted.map((s) =>
            s.k === kept
              ? { value: s.silhouette, symbolSize: 14, itemStyle: { color: COLOR.primary }, label: { show: true, position: 'top', color: COLOR.primary, fontWeight: 700, formatter: silhouetteLabel(s.silhouette) } }
              : { value: s.silhouette },
          ),
        },
      ],
    }),
    // sorted derives from scores; the labels from the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scores, kept],
  );
  return (
    <ChartCard
      id="kscores"
      title={t('seg.kscores.title')}
      summary={best ? t('seg.kscores.summary', { n: sorted.length, k: best.k, value: silhouetteLabel(best.silhouette) }) : ''}
      help={t('seg.kscores.help')}
      chart={<Chart option={option} height={200} testId="chart-kscores" />}
      table={
        <table className="grid-table data-table">
          <caption className="visually-hidden">{t('seg.kscores.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('seg.kscores.k')}</th>
              <th scope="col" className="num">{t('seg.kscores.silhouette')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((s) => (
              <tr key={s.k} data-k={s.k} className={s.k === kept ? 'seg-kept' : ''}>
                <th scope="row">
                  {formatNumber(s.k)}
                  {s.k === kept ? ` (${t('seg.kscores.kept')})` : ''}
                </th>
                <td className="num" data-col="silhouette">{silhouetteLabel(s.silhouette)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
