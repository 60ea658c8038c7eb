import type { Distribution, FailoverSummary, Series, Summary, TrialFigures } from '../model/result.js';
import { HISTOGRAM_KEYS } from '../model/result.js';
import { combineTrials } from './combine.js';
import { Histogram } from './histogram.js';
import { clusteredShareInterval } from './inference.js';
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
  const recoveryRunEnded = figs.filter((x) => x.recovery === 'run-ended').length;
  const failbackRunEnded = figs.filter((x) => x.restored && x.failback === 'run-ended').length;
  if (recoveryRunEnded > 0) out.recoveryRunEnded = recoveryRunEnded;
  if (failbackRunEnded > 0) out.failbackRunEnded = failbackRunEnded;
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
 * Intervals that account for trials being clusters of requests (a burst of failures in one trial
 * is not many independent failures): the error rate's and each version share's 95% interval,
 * widened by the between-trial variation (`clusteredShareInterval`).
 */
function clusterIntervals(summary: Summary, perTrial: readonly TrialFigures[]): void {
  summary.errorRateCi95 = clusteredShareInterval(perTrial.map((t) => ({ k: t.errors, n: t.requests })));
  const successes = perTrial.map((t) => Object.values(t.versions).reduce((a, b) => a + b, 0));
  for (const [v, share] of Object.entries(summary.distribution)) {
    share.ci95 = clusteredShareInterval(perTrial.map((t, i) => ({ k: t.versions[v] ?? 0, n: successes[i]! })));
  }
}

/**
 * Merges the measures of every trial of a run (product.md §4): histograms losslessly, counts and
 * series bucket-wise, shares, intervals and percentiles recomputed from the merged data, failover
 * figures turned into distributions over trials. One trial is a merge of one.
 * @throws Error on an empty list (a run has at least one trial).
 */
export function mergeTrials(trials: readonly TrialMeasures[]): MergedMeasures {
  const m = combineTrials(trials);
  // The prediction is shown beside the shares it was tested against: the whole run's only when the
  // test covered the whole run (else the report shows it with the tested phase).
  const expected = m.distributionTest?.phase === 'all' ? m.distributionTest.expected : undefined;
  const histograms: Record<string, string> = {};
  const summary: Summary = summarizeCounts(m.overall, m.load, expected, m.distributionTest);
  if (m.clampedLatencies !== undefined) summary.clampedLatencies = m.clampedLatencies;
  if (m.bucketLatency !== undefined) {
    const e = m.bucketLatency.exact;
    summary.latencyBuckets = { tool: m.bucketLatency.tool, exact: e === null ? null : { minMs: e.minUs / 1000, maxMs: e.maxUs / 1000, meanMs: e.meanUs / 1000, count: e.count } };
    if (e !== null) summary.latencyMs = { ...summary.latencyMs, max: e.maxUs / 1000, mean: e.meanUs / 1000 };
  }
  if (m.perTrial !== undefined) {
    summary.perTrial = m.perTrial;
    clusterIntervals(summary, m.perTrial);
  }
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
  const merged: MergedMeasures = { trials: m.trials, summary, windows, histograms: sortKeys(histograms), series: seriesOf(m.series) };
  if (m.clients !== undefined) merged.clients = m.clients.map((c) => ({ name: c.name, measures: mergeTrials([c.measures]) }));
  return merged;
}
