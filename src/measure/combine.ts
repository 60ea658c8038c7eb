import { mergeEncoded } from './histogram.js';
import { mergeSparse, type SparseSketch } from './sketch.js';
import type {
  DistributionTestCounts,
  FailoverTrials,
  LocalityCounts,
  PhaseAggregate,
  RequestAggregate,
  SeriesAggregate,
  TrialMeasures,
  WindowAggregate,
} from './types.js';

/** Adds numeric records key-wise; keys sorted (numerically when every key is a number). */
export function sumRecords(records: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const acc = new Map<string, number>();
  for (const r of records) for (const [k, v] of Object.entries(r)) acc.set(k, (acc.get(k) ?? 0) + v);
  const keys = [...acc.keys()];
  const numeric = keys.every((k) => /^-?\d+$/.test(k));
  keys.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = acc.get(k)!;
  return out;
}

function mergeLocality(list: ReadonlyArray<LocalityCounts | null>): LocalityCounts | null {
  const present = list.filter((l): l is LocalityCounts => l !== null);
  if (present.length === 0) return null;
  const sum = (f: (l: LocalityCounts) => number): number => present.reduce((a, l) => a + f(l), 0);
  return {
    attributed: sum((l) => l.attributed),
    sameLocality: sum((l) => l.sameLocality),
    sameCluster: sum((l) => l.sameCluster),
    sameNetwork: sum((l) => l.sameNetwork),
    byCluster: sumRecords(present.map((l) => l.byCluster)),
  };
}

/** Merges request counts losslessly (histograms decoded, added and re-encoded). */
export function mergeAggregates(list: readonly RequestAggregate[]): RequestAggregate {
  if (list.length === 1) return list[0]!;
  const byVersion = new Map<string, string[]>();
  for (const a of list) {
    for (const [v, h] of Object.entries(a.latencyByVersion)) byVersion.set(v, [...(byVersion.get(v) ?? []), h]);
  }
  const latencyByVersion: Record<string, string> = {};
  for (const v of [...byVersion.keys()].sort()) latencyByVersion[v] = mergeEncoded(byVersion.get(v)!).encode();
  return {
    requests: list.reduce((s, a) => s + a.requests, 0),
    errors: list.reduce((s, a) => s + a.errors, 0),
    statusCodes: sumRecords(list.map((a) => a.statusCodes)),
    lateStarts: list.reduce((s, a) => s + a.lateStarts, 0),
    lateMaxUs: list.reduce((m, a) => Math.max(m, a.lateMaxUs), 0),
    versions: sumRecords(list.map((a) => a.versions)),
    latency: mergeEncoded(list.map((a) => a.latency)).encode(),
    latencyByVersion,
    locality: mergeLocality(list.map((a) => a.locality)),
  };
}

function mergePhases(trials: readonly TrialMeasures[]): PhaseAggregate[] {
  const order: string[] = [];
  const groups = new Map<string, PhaseAggregate[]>();
  for (const t of trials) {
    for (const p of t.phases) {
      if (!groups.has(p.name)) {
        order.push(p.name);
        groups.set(p.name, []);
      }
      groups.get(p.name)!.push(p);
    }
  }
  return order.map((name) => {
    const g = groups.get(name)!;
    return { name, fromUs: g[0]!.fromUs, toUs: g[0]!.toUs, counts: mergeAggregates(g.map((p) => p.counts)) };
  });
}

function mergeWindows(trials: readonly TrialMeasures[]): WindowAggregate[] {
  const order: WindowAggregate[] = [];
  const groups = new Map<string, RequestAggregate[]>();
  for (const t of trials) {
    for (const w of t.windows) {
      const key = `${w.from}..${w.to}`;
      if (!groups.has(key)) {
        order.push({ from: w.from, to: w.to, counts: null });
        groups.set(key, []);
      }
      if (w.counts !== null) groups.get(key)!.push(w.counts);
    }
  }
  return order.map((w) => {
    const g = groups.get(`${w.from}..${w.to}`)!;
    return { ...w, counts: g.length === 0 ? null : mergeAggregates(g) };
  });
}

function mergeDistributionTests(trials: readonly TrialMeasures[]): DistributionTestCounts | null {
  const tests = trials.map((t) => t.distributionTest).filter((d): d is DistributionTestCounts => d !== null);
  if (tests.length === 0) return null;
  const phases = new Set(tests.map((t) => t.phase));
  const merged: DistributionTestCounts = {
    phase: phases.size === 1 ? tests[0]!.phase : [...phases].sort().join('+'),
    expected: tests[0]!.expected,
    observed: sumRecords(tests.map((t) => t.observed)),
  };
  if (tests[0]!.pooled !== undefined) merged.pooled = tests[0]!.pooled;
  return merged;
}

/**
 * Merges series bucket-wise. Series with different bucket sizes are folded onto the largest size
 * (bucket i of size b lands in bucket ⌊i·b / B⌋), which is exact when B is a multiple of b.
 */
export function mergeSeries(list: readonly SeriesAggregate[]): SeriesAggregate {
  if (list.length === 1) return list[0]!;
  const bucketUs = Math.max(...list.map((s) => s.bucketUs));
  let points = 0;
  for (const s of list) if (s.requests.length > 0) points = Math.max(points, Math.floor(((s.requests.length - 1) * s.bucketUs) / bucketUs) + 1);
  const zeros = (): number[] => new Array<number>(points).fill(0);
  const requests = zeros();
  const errors = zeros();
  const byVersion: Record<string, number[]> = {};
  const sketches: SparseSketch[][] = Array.from({ length: points }, () => []);
  for (const name of [...new Set(list.flatMap((s) => Object.keys(s.byVersion)))].sort()) byVersion[name] = zeros();
  for (const s of list) {
    for (let i = 0; i < s.requests.length; i++) {
      const b = Math.floor((i * s.bucketUs) / bucketUs);
      requests[b]! += s.requests[i]!;
      errors[b]! += s.errors[i]!;
      for (const [name, col] of Object.entries(s.byVersion)) byVersion[name]![b]! += col[i] ?? 0;
      const sk = s.latency[i];
      if (sk !== undefined && sk.length > 0) sketches[b]!.push(sk);
    }
  }
  return { bucketUs, requests, errors, byVersion, latency: sketches.map((g) => (g.length === 0 ? [] : mergeSparse(g))) };
}

function mergeFailover(trials: readonly TrialMeasures[]): FailoverTrials | null {
  const list = trials.map((t) => t.failover).filter((f): f is FailoverTrials => f !== null);
  if (list.length === 0) return null;
  const out: FailoverTrials = { fault: list[0]!.fault, figures: list.flatMap((f) => f.figures), missingFault: list.reduce((s, f) => s + f.missingFault, 0) };
  if (list[0]!.restore !== undefined) out.restore = list[0]!.restore;
  return out;
}

/**
 * Combines the measures of several trials into one `TrialMeasures` covering all of them (counts
 * summed, histograms merged losslessly, failover figures concatenated). Associative, so workers
 * can combine their own trials before handing them back. One trial is returned as is.
 * @throws Error on an empty list.
 */
export function combineTrials(trials: readonly TrialMeasures[]): TrialMeasures {
  if (trials.length === 0) throw new Error('combineTrials: no trials');
  if (trials.length === 1) return trials[0]!;
  return {
    trials: trials.reduce((s, t) => s + t.trials, 0),
    load: trials[0]!.load,
    overall: mergeAggregates(trials.map((t) => t.overall)),
    phases: mergePhases(trials),
    windows: mergeWindows(trials),
    distributionTest: mergeDistributionTests(trials),
    series: mergeSeries(trials.map((t) => t.series)),
    failover: mergeFailover(trials),
    ...perTrialOf(trials),
    ...bucketLatencyOf(trials),
    ...clampedOf(trials),
    ...clientsOf(trials),
  };
}

/** Each client's measures combined across the trials (every trial of a run has the same clients). */
function clientsOf(trials: readonly TrialMeasures[]): Pick<TrialMeasures, 'clients'> {
  const first = trials[0]!.clients;
  if (first === undefined) return {};
  return {
    clients: first.map((c, i) => ({
      name: c.name,
      measures: combineTrials(trials.map((t) => {
        const own = t.clients?.[i];
        if (own === undefined || own.name !== c.name) throw new Error(`combineTrials: trials disagree on client ${c.name}`);
        return own.measures;
      })),
    })),
  };
}

function clampedOf(trials: readonly TrialMeasures[]): Pick<TrialMeasures, 'clampedLatencies'> {
  const n = trials.reduce((s, t) => s + (t.clampedLatencies ?? 0), 0);
  return n > 0 ? { clampedLatencies: n } : {};
}

/** Bucket-only latency over several files: extremes and count-weighted mean, exact only when every file stated them. */
function bucketLatencyOf(trials: readonly TrialMeasures[]): Pick<TrialMeasures, 'bucketLatency'> {
  const parts = trials.map((t) => t.bucketLatency);
  if (parts.every((p) => p === undefined)) return {};
  const exact = parts.map((p) => p?.exact ?? null);
  if (exact.some((e) => e === null)) return { bucketLatency: { tool: 'fortio', exact: null } };
  const all = exact as Array<NonNullable<(typeof exact)[number]>>;
  const count = all.reduce((s, e) => s + e.count, 0);
  return {
    bucketLatency: {
      tool: 'fortio',
      exact: { minUs: Math.min(...all.map((e) => e.minUs)), maxUs: Math.max(...all.map((e) => e.maxUs)), meanUs: count === 0 ? 0 : all.reduce((s, e) => s + e.meanUs * e.count, 0) / count, count },
    },
  };
}

/** Per-trial figures concatenated in trial order; absent when any part lacks them (they would not line up with `trials`). */
function perTrialOf(trials: readonly TrialMeasures[]): Pick<TrialMeasures, 'perTrial'> {
  if (trials.some((t) => t.perTrial === undefined)) return {};
  return { perTrial: trials.flatMap((t) => t.perTrial!) };
}
