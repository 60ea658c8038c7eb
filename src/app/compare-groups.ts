import { Histogram } from '../measure/histogram.js';
import { HISTOGRAM_KEYS, type Distribution, type LatencySummary, type LocalityShares, type Result, type Series } from '../model/result.js';
import { FAILOVER_FIGURES, type CompareSubject, type FailoverFigure, type SubjectFailover } from '../render/compare-view.js';
import { shortTarget } from '../render/describe.js';
import { ResultHistograms } from './result-histograms.js';

/**
 * Turning loaded results into compared subjects: one per result, or one per value of a label
 * (`--by istio`) with counts summed and histograms merged losslessly (HDR histograms add).
 */

/** A loaded result and how the user named it. */
export interface LoadedResult {
  result: Result;
  source: string;
}

/**
 * The value of `label` for a result. Without the label, `istio` falls back to the Istio version the
 * run used (sim profile, or the clusters' versions), since that is what users group by most.
 */
export function groupValue(result: Result, label: string): string {
  const v = result.labels[label];
  if (v !== undefined) return v;
  if (label === 'istio') {
    const t = result.target;
    if (t.kind === 'sim') return t.istio;
    if (t.kind === 'kube') return [...new Set(Object.values(t.istio))].sort().join('/') || '(none)';
  }
  return '(none)';
}

const FIGURE_KEY: Record<FailoverFigure, { histogram: string; summary: 'recoveryMs' | 'firstFailoverSuccessMs' | 'errorsDuringFailover' | 'failbackMs'; scale: number }> = {
  recovery: { histogram: HISTOGRAM_KEYS.recovery, summary: 'recoveryMs', scale: 1 / 1000 },
  firstFailoverSuccess: { histogram: HISTOGRAM_KEYS.firstFailoverSuccess, summary: 'firstFailoverSuccessMs', scale: 1 / 1000 },
  errorsDuringFailover: { histogram: HISTOGRAM_KEYS.errorsDuringFailover, summary: 'errorsDuringFailover', scale: 1 },
  failback: { histogram: HISTOGRAM_KEYS.failback, summary: 'failbackMs', scale: 1 / 1000 },
};

function mergeHistograms(parts: ReadonlyArray<Histogram | null>): Histogram | null {
  const present = parts.filter((h): h is Histogram => h !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0] as Histogram;
  const out = new Histogram();
  for (const h of present) out.add(h);
  return out;
}

/** Latency summary (ms) of a µs histogram. */
export function latencySummaryOf(h: Histogram): LatencySummary {
  const ms = (us: number) => us / 1000;
  return { count: h.totalCount, p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), p999: ms(h.percentile(99.9)), max: ms(h.max), mean: ms(h.mean) };
}

function distributionOf(h: Histogram, scale: number): Distribution | null {
  if (h.totalCount === 0) return null;
  return { n: h.totalCount, min: h.min * scale, p50: h.percentile(50) * scale, p90: h.percentile(90) * scale, p99: h.percentile(99) * scale, max: h.max * scale, mean: h.mean * scale };
}

function mergeFailover(members: readonly ResultHistograms[]): SubjectFailover | null {
  const withFailover = members.filter((m) => m.result.summary.failover !== undefined);
  if (withFailover.length === 0) return null;
  const sum = (f: (m: ResultHistograms) => number) => withFailover.reduce((a, m) => a + f(m), 0);
  const figures = {} as SubjectFailover['figures'];
  for (const figure of FAILOVER_FIGURES) {
    const key = FIGURE_KEY[figure];
    const histogram = mergeHistograms(withFailover.map((m) => m.get(key.histogram)));
    const single = withFailover.length === 1 ? (withFailover[0]!.result.summary.failover![key.summary] ?? null) : null;
    // One result: its summary holds the exact figures (an HDR histogram rounds counts such as 3000
    // to their bucket's highest equivalent value, 3001). Several: merged histograms.
    figures[figure] = { histogram, summary: single ?? (histogram !== null ? distributionOf(histogram, key.scale) : null) };
  }
  return {
    trials: sum((m) => m.result.summary.failover!.trials),
    hitless: sum((m) => m.result.summary.failover!.hitless),
    notRecovered: sum((m) => m.result.summary.failover!.notRecovered),
    notFailedBack: sum((m) => m.result.summary.failover!.notFailedBack),
    recoveryRunEnded: sum((m) => m.result.summary.failover!.recoveryRunEnded ?? 0),
    resolutionMs: Math.max(...withFailover.map((m) => m.result.summary.failover!.resolutionMs)),
    figures,
  };
}

function mergeLocality(results: readonly Result[]): LocalityShares | null {
  const parts = results.filter((r) => r.summary.locality !== null).map((r) => ({ l: r.summary.locality as LocalityShares, w: Math.max(0, r.summary.requests - r.summary.errors) }));
  const total = parts.reduce((a, p) => a + p.w, 0);
  if (parts.length === 0 || total === 0) return parts.length === 1 ? parts[0]!.l : null;
  const avg = (f: (l: LocalityShares) => number) => parts.reduce((a, p) => a + f(p.l) * p.w, 0) / total;
  const clusters = [...new Set(parts.flatMap((p) => Object.keys(p.l.byCluster)))].sort();
  return {
    sameLocality: avg((l) => l.sameLocality),
    sameCluster: avg((l) => l.sameCluster),
    sameNetwork: avg((l) => l.sameNetwork),
    byCluster: Object.fromEntries(clusters.map((c) => [c, avg((l) => l.byCluster[c] ?? 0)])),
  };
}

/** Sums series into buckets of the coarsest bucket size (bucket i of size b lands in ⌊i·b / B⌋). */
export function mergeSeries(all: readonly Series[]): Series | null {
  if (all.length === 0) return null;
  if (all.length === 1) return all[0] as Series;
  const bucketMs = Math.max(...all.map((s) => s.bucketMs));
  const length = Math.max(...all.map((s) => Math.ceil((s.requests.length * s.bucketMs) / bucketMs)));
  const zeros = () => new Array<number>(length).fill(0);
  const out: Series = { bucketMs, requests: zeros(), errors: zeros(), byVersion: {}, p99Ms: new Array<number | null>(length).fill(null) };
  for (const s of all) {
    const at = (i: number) => Math.min(length - 1, Math.floor((i * s.bucketMs) / bucketMs));
    s.requests.forEach((n, i) => (out.requests[at(i)]! += n));
    s.errors.forEach((n, i) => (out.errors[at(i)]! += n));
    for (const [v, counts] of Object.entries(s.byVersion)) {
      const target = (out.byVersion[v] ??= zeros());
      counts.forEach((n, i) => (target[at(i)]! += n));
    }
    // p99 does not add up across results: keep the worst bucket p99 as an upper bound.
    s.p99Ms.forEach((p, i) => {
      const j = at(i);
      if (p !== null) out.p99Ms[j] = Math.max(out.p99Ms[j] ?? 0, p);
    });
  }
  return out;
}

/** Builds one subject from its results (histograms decoded once each). */
export function buildSubject(key: string, members: readonly LoadedResult[]): CompareSubject {
  const hist = members.map((m) => new ResultHistograms(m.result, m.source));
  const results = members.map((m) => m.result);
  const requests = results.reduce((a, r) => a + r.summary.requests, 0);
  const errors = results.reduce((a, r) => a + r.summary.errors, 0);
  const versions: Record<string, number> = {};
  for (const r of results) for (const [v, d] of Object.entries(r.summary.distribution)) versions[v] = (versions[v] ?? 0) + d.count;
  const latency = mergeHistograms(hist.map((h) => h.get(HISTOGRAM_KEYS.latency)));
  const latencyMs = latency !== null ? latencySummaryOf(latency) : results.length === 1 ? results[0]!.summary.latencyMs : null;
  return {
    key,
    results: members.map((m) => ({ id: m.result.id, source: m.source, scenario: m.result.scenario.name, target: shortTarget(m.result.target, m.result.trials), labels: m.result.labels, trials: m.result.trials })),
    trials: results.reduce((a, r) => a + r.trials, 0),
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    versions: Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : 1))),
    locality: mergeLocality(results),
    latency,
    latencyMs,
    failover: mergeFailover(hist),
    series: mergeSeries(results.map((r) => r.series)),
    events: results[0]?.events ?? [],
    loadModels: [...new Set(results.map((r) => r.summary.load.model))],
    perTrial: results.every((r) => r.summary.perTrial !== undefined) ? results.flatMap((r) => r.summary.perTrial!) : null,
  };
}
