import type { Result } from '../model/result.js';
import { chartColumns, renderChart, type ChartLine } from './chart.js';
import { formatPercent } from './format.js';
import { errorRatePerBucket, eventMarkers, ratioPerColumn, timeTicks } from './series.js';
import type { Style } from './style.js';
import { section } from './table.js';

/** The over-time charts of a report: share per version and error rate, with fault/restore markers. */

function spanMs(result: Result): number {
  return result.series.requests.length * result.series.bucketMs;
}

/** The time axis (ticks and event markers) for a result at this width. */
export function timeAxis(result: Result, style: Style) {
  const columns = chartColumns(style);
  const span = spanMs(result);
  const bucketMs = result.series.bucketMs;
  return { columns, ticks: timeTicks(span, columns, bucketMs), markers: eventMarkers(result.events, span, columns, bucketMs) };
}

/** Round y labels for a 0…max share axis. */
function shareLabel(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/** Share of all requests answered by each version, per column. */
export function shareChart(result: Result, style: Style): string | null {
  const versions = Object.keys(result.series.byVersion).sort();
  if (versions.length === 0 || result.series.requests.length === 0) return null;
  const axis = timeAxis(result, style);
  const lines: ChartLine[] = versions.map((v) => ({ name: v, values: ratioPerColumn(result.series.byVersion[v]!, result.series.requests, axis.columns) }));
  const chart = renderChart({ lines, height: 10, min: 0, max: 1, yFormat: shareLabel, xTicks: axis.ticks, markers: axis.markers, legend: true }, style);
  return section(`Share of requests per version over time (${formatBucket(result.series.bucketMs)} buckets)`, chart, style);
}

/** Failed requests over time; a line instead of a flat chart when nothing failed. */
export function errorChart(result: Result, style: Style): string | null {
  if (result.series.requests.length === 0) return null;
  const title = 'Error rate over time';
  if (result.series.errors.every((e) => e === 0)) return section(title, '  no failed requests', style);
  const axis = timeAxis(result, style);
  const values = ratioPerColumn(result.series.errors, result.series.requests, axis.columns);
  const top = niceCeiling(Math.max(...values.filter((v) => Number.isFinite(v))));
  const worst = Math.max(...errorRatePerBucket(result.series).map((v) => v ?? 0));
  // 1·10^k and 5·10^k split into 5 rows, 2·10^k into 4, so every y label is a round number.
  const height = Math.round(top / 10 ** Math.floor(Math.log10(top) + 1e-9)) === 2 ? 4 : 5;
  const chart = renderChart({ lines: [{ name: 'error rate', values }], height, min: 0, max: top, yFormat: (v) => formatPercent(Math.round(v * 1e6) / 1e6), xTicks: axis.ticks, markers: axis.markers }, style);
  return section(`${title} (worst ${formatBucket(result.series.bucketMs)} bucket: ${formatPercent(worst)})`, chart, style);
}

/** Smallest of 1, 2, 5 × 10^k (as a fraction, at most 1) at or above `v`. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 0.01;
  const exp = Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) {
    const c = m * 10 ** exp;
    if (c >= v - 1e-12) return Math.min(1, c);
  }
  return 1;
}

function formatBucket(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
