import type { RunEvent } from '../model/sample.js';
import type { Series } from '../model/result.js';
import { formatAxisTime } from './format.js';

/**
 * Fitting time series to a chart's columns. Counts are summed per column before any ratio is
 * taken (a column's share is its responses over its requests, not an average of bucket shares),
 * so resampling never invents or drops requests.
 */

/**
 * Sums of bucket counts per column on a time axis [0, spanMs) of `columns` columns. Each bucket
 * goes to the column holding its centre; a column that got no bucket (the series is coarser than
 * the axis) shows the bucket under its own centre; columns past the series' end stay NaN.
 */
export function sumsPerColumn(values: readonly number[], bucketMs: number, spanMs: number, columns: number): number[] {
  const out = new Array<number>(columns).fill(Number.NaN);
  if (values.length === 0 || spanMs <= 0 || bucketMs <= 0) return out;
  const colMs = spanMs / columns;
  values.forEach((x, i) => {
    const c = Math.floor(((i + 0.5) * bucketMs) / colMs);
    if (c >= 0 && c < columns) out[c] = (Number.isNaN(out[c]!) ? 0 : out[c]!) + x;
  });
  for (let c = 0; c < columns; c++) {
    if (!Number.isNaN(out[c]!)) continue;
    const i = Math.floor(((c + 0.5) * colMs) / bucketMs);
    if (i < values.length) out[c] = values[i]!;
  }
  return out;
}

/**
 * `numerator / denominator` per column after summing both, on a time axis of `spanMs`. A column
 * without requests (a closed-model stall, or past the end of a shorter run) is NaN: nothing was
 * measured there, and the chart draws it as a gap rather than a made-up value (issue 17).
 */
export function ratioPerColumnByTime(numerator: readonly number[], denominator: readonly number[], bucketMs: number, spanMs: number, columns: number): number[] {
  const num = sumsPerColumn(numerator, bucketMs, spanMs, columns);
  const den = sumsPerColumn(denominator, bucketMs, spanMs, columns);
  return num.map((x, c) => (den[c]! > 0 ? (Number.isNaN(x) ? 0 : x) / den[c]! : Number.NaN));
}

/** `ratioPerColumnByTime` over the series' own span (bucket size 1, span = number of buckets). */
export function ratioPerColumn(numerator: readonly number[], denominator: readonly number[], columns: number): number[] {
  return ratioPerColumnByTime(numerator, denominator, 1, denominator.length, columns);
}

/** Share of all requests answered successfully by each version, per bucket (full resolution). */
export function sharePerBucket(series: Series): Record<string, Array<number | null>> {
  const out: Record<string, Array<number | null>> = {};
  for (const [v, counts] of Object.entries(series.byVersion)) {
    out[v] = counts.map((x, i) => ((series.requests[i] ?? 0) > 0 ? x / series.requests[i]! : null));
  }
  return out;
}

/** Error rate per bucket (full resolution); null for a bucket without requests. */
export function errorRatePerBucket(series: Series): Array<number | null> {
  return series.errors.map((e, i) => ((series.requests[i] ?? 0) > 0 ? e / series.requests[i]! : null));
}

const NICE_STEPS_S = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/**
 * Column of a time on an axis of `columns` columns covering [0, spanMs). With the series' bucket
 * size, the column is the first one that shows the bucket holding that time (so a fault marker
 * sits where the data changes, not a column early).
 */
export function columnOfTime(ms: number, spanMs: number, columns: number, bucketMs?: number): number {
  if (spanMs <= 0) return 0;
  const colMs = spanMs / columns;
  let c: number;
  if (bucketMs === undefined || !(bucketMs > 0)) c = Math.floor(ms / colMs);
  else {
    const b = Math.floor(ms / bucketMs + 1e-9);
    c = colMs <= bucketMs ? Math.ceil((b * bucketMs) / colMs - 0.5) : Math.floor(((b + 0.5) * bucketMs) / colMs);
  }
  return Math.max(0, Math.min(columns - 1, c));
}

/** Time ticks (0s, 10s, …) at least ~10 columns apart. */
export function timeTicks(spanMs: number, columns: number, bucketMs?: number): Array<{ col: number; label: string }> {
  if (spanMs <= 0) return [{ col: 0, label: '0s' }];
  const minStepMs = (spanMs / columns) * 10;
  const stepS = NICE_STEPS_S.find((s) => s * 1000 >= minStepMs) ?? Math.ceil(minStepMs / 3_600_000) * 3600;
  const ticks: Array<{ col: number; label: string }> = [];
  for (let t = 0; t < spanMs; t += stepS * 1000) ticks.push({ col: columnOfTime(t, spanMs, columns, bucketMs), label: formatAxisTime(t) });
  return ticks;
}

/**
 * Events to mark on a time axis: one per name, at the time of its earliest trial (trials of a sim
 * run share their timeline), in time order.
 */
export function eventMarkers(events: readonly RunEvent[], spanMs: number, columns: number, bucketMs?: number): Array<{ col: number; label: string; atMs: number }> {
  const first = new Map<string, RunEvent>();
  for (const e of events) {
    const seen = first.get(e.name);
    if (seen === undefined || (e.trial ?? 0) < (seen.trial ?? 0)) first.set(e.name, e);
  }
  return [...first.values()]
    .filter((e) => e.atMs >= 0 && e.atMs <= spanMs)
    .sort((a, b) => a.atMs - b.atMs)
    .map((e) => ({ col: columnOfTime(e.atMs, spanMs, columns, bucketMs), label: e.name, atMs: e.atMs }));
}
