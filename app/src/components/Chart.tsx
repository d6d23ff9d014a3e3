// One ECharts canvas: created on mount, given a new option on every change (not merged with
// the old one), resized with its box (window resize, narrow layouts), disposed on unmount.
// Only the chart types and components the app uses are registered, to keep the bundle small.
// The canvas is hidden from screen readers: each chart's card gives a text summary and a table.
// `data-settled` says whether the last option is drawn, its animation ended (browser tests
// wait on it before a screenshot instead of sleeping).
import { useEffect, useLayoutEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import {
  BarChart, FunnelChart, GaugeChart, LineChart, ScatterChart, type BarSeriesOption, type FunnelSeriesOption, type GaugeSeriesOption,
  type LineSeriesOption, type ScatterSeriesOption,
} from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GaugeChart, LineChart, ScatterChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption | FunnelSeriesOption | GaugeSeriesOption | LineSeriesOption | ScatterSeriesOption | GridComponentOption
  | TooltipComponentOption
>;

export function Chart({ option, onClick, height, testId }: {
  option: ChartOption;
  /** Called with the index of the clicked data item (bar, funnel stage). */
  onClick?: (dataIndex: number) => void;
  height: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The latest callback, so the ECharts handler installed once always calls the current one.
  const click = useRef(onClick);
  useEffect(() => {
    click.current = onClick;
  });

  // A layout effect, declared first: the chart exists when the option's layout effect runs.
  useLayoutEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      if (typeof p.dataIndex === 'number') click.current?.(p.dataIndex);
    });
    c.on('finished', () => {
      el.dataset.settled = 'true';
    });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  // In the same commit as the numbers around the chart: a test that saw them sees the chart
  // unsettled until the new option is drawn.
  useLayoutEffect(() => {
    if (!chart.current) return;
    box.current!.dataset.settled = 'false';
    chart.current.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={`chart-canvas ${onClick ? 'chart-clickable' : ''}`} style={{ height }} aria-hidden="true" data-testid={testId} />;
}
