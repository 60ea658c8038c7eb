import type { Histogram } from '../../measure/histogram.js';
import type { RunEvent } from '../../model/sample.js';
import { formatAxisTime, formatCount, formatMs, formatPercent, formatPercentile } from '../format.js';
import type { SpectrumPoint } from '../spectrum.js';
import type { Figure } from './figure.js';

/** The figures the report and compare pages share: over-time lines, percentile spectra, distributions over trials. */

export interface TimeLine {
  name: string;
  /** One value per bucket (null: no requests in the bucket). */
  values: Array<number | null>;
}

function fullPercent(v: number): string {
  return `${Math.round(v * 1e4) / 100}%`;
}

/** A ratio (share, error rate) per bucket over time, timeline events marked. */
export function ratioOverTimeFigure(title: string, what: string, bucketMs: number, lines: readonly TimeLine[], events: readonly RunEvent[], yMax?: number): Figure {
  const n = Math.max(0, ...lines.map((l) => l.values.length));
  // Every trial replays the same timeline: the first trial's events stand for all.
  events = events.filter((e) => e.trial === undefined || e.trial === 0);
  const rows = Array.from({ length: n }, (_, i) => [formatAxisTime(i * bucketMs), ...lines.map((l): [string, number | null] => {
    const v = l.values[i] ?? null;
    return v === null ? ['-', null] : [formatPercent(v), v];
  })] as Array<string | [string, number | null]>);
  const worst = lines.map((l) => `${l.name} ${formatPercent(Math.max(0, ...l.values.map((v) => v ?? 0)))}`).join(', ');
  const eventText = events.length === 0 ? 'no timeline events' : `events: ${events.map((e) => `${e.name} at ${formatAxisTime(e.atMs)} (${e.action})`).join(', ')}`;
  return {
    title,
    summary: `${what} per ${formatAxisTime(bucketMs)} bucket over ${formatAxisTime(n * bucketMs)}; highest ${worst}; ${eventText}.`,
    chart: {
      x: { name: 'time since start', scale: 'value', format: (ms) => formatAxisTime(ms), min: 0, max: n * bucketMs },
      y: { name: what, scale: 'value', format: fullPercent, min: 0, ...(yMax !== undefined ? { max: yMax } : {}) },
      series: lines.map((l) => ({ name: l.name, points: l.values.map((v, i): [number, number | null] => [(i + 0.5) * bucketMs, v]) })),
      markers: events.map((e) => ({ x: e.atMs, label: e.name })),
    },
    table: { columns: ['bucket start', ...lines.map((l) => l.name)], rows },
  };
}

/** x on the nines axis for a percentile below 100 (p90 → 1, p99 → 2). */
function nines(p: number): number {
  return Math.log10(100 / (100 - p));
}

/** Latency against percentile on an axis of nines; the maximum (p100) drawn half a step past the deepest percentile. */
export function spectrumFigure(title: string, spectra: ReadonlyArray<{ name: string; points: readonly SpectrumPoint[] }>): Figure {
  const deepest = Math.max(1, ...spectra.flatMap((s) => s.points.filter((p) => p.percentile < 100).map((p) => nines(p.percentile))));
  const maxX = Math.ceil(deepest + 0.5);
  const xOf = (p: number) => (p >= 100 ? maxX : nines(p));
  const all = spectra.flatMap((s) => s.points.map((p) => p.ms)).filter((v) => v > 0);
  const logY = all.length > 0 && Math.max(...all) / Math.min(...all) > 20;
  const percentiles = [...new Set(spectra.flatMap((s) => s.points.map((p) => p.percentile)))].sort((a, b) => a - b);
  const rows = percentiles.map((p) => [p === 100 ? 'max' : `p${formatPercentile(p)}`, ...spectra.map((s): [string, number | null] => {
    const pt = s.points.find((q) => q.percentile === p);
    return pt === undefined ? ['-', null] : [formatMs(pt.ms), pt.ms];
  })] as Array<string | [string, number | null]>);
  const p99 = spectra.map((s) => `${s.name} p99 ${formatMs(s.points.find((p) => p.percentile === 99)?.ms ?? Number.NaN)}`).join(', ');
  return {
    title,
    summary: `Latency at each percentile (log axis of nines: p90, p99, p99.9 …; the last point is the maximum)${logY ? ', latency on a log axis' : ''}; ${p99}.`,
    chart: {
      x: { name: 'percentile', scale: 'nines', min: 0, max: maxX, format: (x) => (x >= maxX - 1e-9 ? 'max' : x <= 0 ? '' : `p${formatPercentile(100 - 100 * 10 ** -x)}`) },
      y: { name: 'latency (ms)', scale: logY ? 'log' : 'value', format: (v) => formatMs(v), ...(logY ? {} : { min: 0 }) },
      series: spectra.map((s) => ({ name: s.name, points: s.points.map((p): [number, number | null] => [xOf(p.percentile), p.ms]) })),
    },
    table: { columns: ['percentile', ...spectra.map((s) => `${s.name} (ms)`)], rows },
  };
}

/** One subject's per-trial values of a failover figure. */
export interface TrialValues {
  name: string;
  /** Histogram over trials (µs, or a plain count for `unit: 'count'`); null when the result stored none. */
  histogram: Histogram | null;
  /** All trials, censored ones included. */
  trials: number;
  /** Trials without a value (never recovered, never failed back): drawn as the gap below 100%. */
  censored: number;
}

/**
 * Empirical distribution over trials: the share of all trials (censored included) at or below
 * each value, so never-recovered trials show as a curve that stops short of 100%.
 */
export function overTrialsFigure(title: string, unit: 'ms' | 'count', censoredLabel: string, subjects: readonly TrialValues[]): Figure {
  const fmt = (v: number) => (unit === 'ms' ? formatMs(v) : formatCount(v));
  const series = subjects.map((s) => {
    const pts: Array<[number, number]> = [];
    let seen = 0;
    s.histogram?.forEachBucket((valueUs, count) => {
      seen += count;
      pts.push([unit === 'ms' ? valueUs / 1000 : valueUs, s.trials > 0 ? seen / s.trials : 0]);
    });
    return { name: s.name, pts };
  });
  const rows: Array<Array<string | [string, number | null]>> = [];
  series.forEach((s, i) => {
    for (const [x, y] of s.pts) rows.push([s.name, [fmt(x), x], [formatPercent(y), y]]);
    const c = subjects[i]!.censored;
    if (c > 0) rows.push([s.name, censoredLabel, [`${formatCount(c)} of ${formatCount(subjects[i]!.trials)}`, c]]);
  });
  const censoredText = subjects.map((s) => `${s.name}: ${formatCount(s.censored)} of ${formatCount(s.trials)} trials ${censoredLabel}`).join('; ');
  return {
    title,
    summary: `Share of trials at or below each value (${unit === 'ms' ? 'ms' : 'count'}); censored trials keep the curve below 100%: ${censoredText}.`,
    chart: {
      x: { name: unit === 'ms' ? 'ms' : 'failed requests', scale: 'value', format: fmt },
      y: { name: 'share of trials', scale: 'value', format: fullPercent, min: 0, max: 1 },
      series: series.map((s) => ({ name: s.name, points: s.pts, step: true })),
    },
    table: { columns: ['subject', unit === 'ms' ? 'value (ms)' : 'value', 'share of trials at or below'], rows },
  };
}

/** Share of successful responses by locality relation and serving cluster. */
export function localityFigure(title: string, subjects: ReadonlyArray<{ name: string; shares: Record<string, number> }>): Figure {
  const categories = [...new Set(subjects.flatMap((s) => Object.keys(s.shares)))];
  const rows = categories.map((c) => [c, ...subjects.map((s): [string, number | null] => (s.shares[c] === undefined ? ['-', null] : [formatPercent(s.shares[c]), s.shares[c]]))] as Array<string | [string, number | null]>);
  return {
    title,
    summary: `Share of successful responses: ${subjects.map((s) => `${s.name}: ${categories.map((c) => `${c} ${formatPercent(s.shares[c] ?? 0)}`).join(', ')}`).join('; ')}.`,
    chart: {
      x: { name: '', scale: 'value', format: String },
      y: { name: 'share of successful responses', scale: 'value', format: fullPercent, min: 0, max: 1 },
      categories,
      series: subjects.map((s) => ({ name: s.name, points: categories.map((c, i): [number, number | null] => [i, s.shares[c] ?? null]) })),
    },
    table: { columns: ['measure', ...subjects.map((s) => s.name)], rows },
  };
}
