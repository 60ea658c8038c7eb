import type { Distribution, FailoverSummary, Series, Summary } from '../model/result.js';
import { HISTOGRAM_KEYS } from '../model/result.js';
import { combineTrials } from './combine.js';
import { Histogram } from './histogram.js';
import { sketchPercentile } from './sketch.js';
import { requestHistograms, summarizeCounts, summarizePhase } from './summarize.js';
import type { FailoverTrials, MergedMeasures, SeriesAggregate, TrialMeasures } from './types.js';
import { windowKey } from './types.js';

/**
 * A figure over trials: nearest-rank percentiles (the value at rank ⌈p·n⌉ of the sorted values),
 * so with one trial every percentile equals the value. Null for no values.
 */
export function distributionOf(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n - 1e-9) - 1))]!;
  return { n, min: sorted[0]!, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]!, mean: sorted.reduce((s, v) => s + v, 0) / n };
}

function histogramOf(values: readonly number[]): string {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h.encode();
}

/** Failover figures of every trial → distributions (ms) and histograms (µs; `failover.errors` counts). */
function failoverSummary(f: FailoverTrials, histograms: Record<string, string>): FailoverSummary | undefined {
  const figs = f.figures;
  if (figs.length === 0) return undefined;
  const recovery = figs.filter((x) => x.recoveryUs !== null).map((x) => x.recoveryUs!);
  const first = figs.filter((x) => x.firstFailoverSuccessUs !== null).map((x) => x.firstFailoverSuccessUs!);
  const failback = figs.filter((x) => x.failbackUs !== null).map((x) => x.failbackUs!);
  const errors = figs.map((x) => x.errorsDuringFailover);
  const ms = (v: number[]): Distribution | null => distributionOf(v.map((x) => x / 1000));
  histograms[HISTOGRAM_KEYS.recovery] = histogramOf(recovery);
  histograms[HISTOGRAM_KEYS.firstFailoverSuccess] = histogramOf(first);
  histograms[HISTOGRAM_KEYS.errorsDuringFailover] = histogramOf(errors);
  if (f.restore !== undefined) histograms[HISTOGRAM_KEYS.failback] = histogramOf(failback);
  const out: FailoverSummary = {
    fault: f.fault,
    resolutionMs: Math.max(...figs.map((x) => x.resolutionUs)) / 1000,
    trials: figs.length,
    recoveryMs: ms(recovery),
    firstFailoverSuccessMs: ms(first),
    errorsDuringFailover: distributionOf(errors)!,
    failbackMs: ms(failback),
    hitless: figs.filter((x) => x.hitless).length,
    notRecovered: figs.filter((x) => x.recoveryUs === null).length,
    notFailedBack: figs.filter((x) => x.restored && x.failbackUs === null).length,
  };
  if (f.restore !== undefined) out.restore = f.restore;
  return out;
}

/** Series for the result: counts per bucket and p99 (ms) from the per-bucket sketches. */
export function seriesOf(s: SeriesAggregate): Series {
  return {
    bucketMs: s.bucketUs / 1000,
    requests: s.requests,
    errors: s.errors,
    byVersion: s.byVersion,
    p99Ms: s.latency.map((sk) => {
      const p = sketchPercentile(sk, 99);
      return p === null ? null : p / 1000;
    }),
  };
}

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/**
 * Merges the measures of every trial of a run (product.md §4): histograms losslessly, counts and
 * series bucket-wise, shares, intervals and percentiles recomputed from the merged data, failover
 * figures turned into distributions over trials. One trial is a merge of one.
 * @throws Error on an empty list (a run has at least one trial).
 */
export function mergeTrials(trials: readonly TrialMeasures[]): MergedMeasures {
  const m = combineTrials(trials);
  const expected = m.distributionTest?.expected;
  const histograms: Record<string, string> = {};
  const summary: Summary = summarizeCounts(m.overall, m.load, expected, m.distributionTest);
  requestHistograms(m.overall, histograms);
  summary.phases = m.phases.map((p) => {
    histograms[HISTOGRAM_KEYS.latencyOfPhase(p.name)] = p.counts.latency;
    return summarizePhase(p.name, p.fromUs, p.toUs, p.counts);
  });
  if (m.failover !== null) {
    const f = failoverSummary(m.failover, histograms);
    if (f !== undefined) summary.failover = f;
  }
  const windows: Record<string, Summary> = {};
  for (const w of m.windows) {
    if (w.counts !== null) windows[windowKey(w.from, w.to)] = summarizeCounts(w.counts, m.load, expected, null);
  }
  return { trials: m.trials, summary, windows, histograms: sortKeys(histograms), series: seriesOf(m.series) };
}
