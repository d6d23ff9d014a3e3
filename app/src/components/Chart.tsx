// One ECharts canvas: created on mount, given a new option on every change (not merged with
// the old one), resized with its box (window resize, narrow layouts), disposed on unmount.
// Only the chart types and components the app uses are registered, to keep the bundle small.
// The canvas is hidden from screen readers: each chart's card gives a text summary and a table.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, GaugeChart, type BarSeriesOption, type FunnelSeriesOption, type GaugeSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GaugeChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  BarSeriesOption | FunnelSeriesOption | GaugeSeriesOption | GridComponentOption | TooltipComponentOption
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

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      if (typeof p.dataIndex === 'number') click.current?.(p.dataIndex);
    });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={`chart-canvas ${onClick ? 'chart-clickable' : ''}`} style={{ height }} aria-hidden="true" data-testid={testId} />;
}
