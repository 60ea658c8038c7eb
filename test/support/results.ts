/**
 * Builds realistic result documents for render, store and CLI tests without the simulator:
 * requests from `result-traffic.ts`, histograms built with hdr-histogram-js (µs, 1 µs … 1 h,
 * 3 digits) and encoded, summaries computed the way product.md §4 defines them.
 */
import { build, encodeIntoCompressedBase64, type Histogram as HdrHistogram } from 'hdr-histogram-js';
import { chiSquareGoodnessOfFit, wilsonInterval } from '../../src/measure/stats.js';
import { RESULT_SCHEMA, RESULT_SCHEMA_V1, type Distribution, type LatencySummary, type Result, type ResultTarget, type Summary, type TrialFigures } from '../../src/model/result.js';
import { CLIENT, failoverFigures, generateTrial, makeRng, type TrafficSample } from './result-traffic.js';

export interface FixtureOptions {
  scenario?: 'failover' | 'distribution';
  id?: string;
  startedAt?: string;
  labels?: Record<string, string>;
  /** sim (default) or kube. */
  target?: 'sim' | 'kube';
  istio?: string;
  seed?: number;
  trials?: number;
  ratePerS?: number;
  durationS?: number;
  latencyShiftMs?: number;
  /** Range the per-trial recovery (ms) is drawn from. */
  recoveryMs?: [number, number];
  failbackMs?: [number, number];
  /** Write per-trial figures (result/v2); false: a result as meshbench 0.1 wrote it. Default true. */
  perTrial?: boolean;
}

function hdr(): HdrHistogram {
  return build({ useWebAssembly: false, bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

const ms = (us: number) => Math.round(us) / 1000;

function latencySummary(h: HdrHistogram): LatencySummary {
  const at = (p: number) => ms(h.getValueAtPercentile(p));
  return { count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: ms(h.maxValue), mean: h.totalCount === 0 ? 0 : ms(h.mean) };
}

function overTrials(h: HdrHistogram, scale: (v: number) => number): Distribution | null {
  if (h.totalCount === 0) return null;
  const at = (p: number) => scale(h.getValueAtPercentile(p));
  return { n: h.totalCount, min: scale(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.getValueAtPercentile(0)), p50: at(50), p90: at(90), p99: at(99), max: at(100), mean: Math.round(scale(h.mean) * 1000) / 1000 };
}

const ok = (s: TrafficSample) => s.status >= 200 && s.status < 300;

function countBy<T>(items: readonly T[], key: (t: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) {
    const k = key(it);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function shares(counts: Record<string, number>): Record<string, { count: number; share: number }> {
  const n = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, { count: c, share: n === 0 ? 0 : c / n }]));
}

function requestSummary(samples: readonly TrafficSample[]) {
  const h = hdr();
  for (const s of samples) h.recordValue(s.latencyUs);
  const errors = samples.filter((s) => !ok(s)).length;
  return { requests: samples.length, errors, errorRate: samples.length === 0 ? 0 : errors / samples.length, latency: h };
}

/** A complete, schema-valid result document. */
export function buildResult(opts: FixtureOptions = {}): Result {
  const scenario = opts.scenario ?? 'failover';
  const trials = opts.trials ?? 1;
  const ratePerS = opts.ratePerS ?? 100;
  const durationS = opts.durationS ?? 60;
  const seed = opts.seed ?? 7;
  const rng = makeRng(seed * 7919 + trials);
  const isFailover = scenario === 'failover';
  const [rLo, rHi] = opts.recoveryMs ?? [300, 900];
  const [fLo, fHi] = opts.failbackMs ?? [2500, 4500];
  const faultUs = 20_000_000;
  const restoreUs = 40_000_000;

  const all: TrafficSample[] = [];
  const recovery = hdr();
  const firstSuccess = hdr();
  const failback = hdr();
  const failErrors = hdr();
  let hitless = 0;
  let notFailedBack = 0;
  const perTrial: TrialFigures[] = [];
  for (let t = 0; t < trials; t++) {
    const failover = isFailover ? { faultS: 20, restoreS: 40, recoveryMs: rLo + rng() * (rHi - rLo), failbackMs: fLo + rng() * (fHi - fLo) } : undefined;
    const samples = generateTrial({ ratePerS, durationS, v1Share: isFailover ? 1 : 0.5, latencyShiftMs: opts.latencyShiftMs ?? 0, ...(failover ? { failover } : {}) }, rng);
    all.push(...samples);
    const okLatency = hdr();
    for (const x of samples) if (ok(x)) okLatency.recordValue(x.latencyUs);
    const figures: TrialFigures = {
      requests: samples.length,
      errors: samples.filter((x) => !ok(x)).length,
      versions: countBy(samples.filter(ok), (x) => x.version),
      okLatencyP50Ms: okLatency.totalCount === 0 ? null : ms(okLatency.getValueAtPercentile(50)),
    };
    perTrial.push(figures);
    if (!isFailover) continue;
    const f = failoverFigures(samples, faultUs, restoreUs, ratePerS);
    figures.failover = {
      recovery: 'reached',
      recoveryMs: ms(f.recoveryUs),
      firstFailoverSuccessMs: f.firstFailoverSuccessUs === null ? null : ms(f.firstFailoverSuccessUs),
      errorsDuringFailover: f.errors,
      failback: f.failbackUs === null ? 'never' : 'reached',
      failbackMs: f.failbackUs === null ? null : ms(f.failbackUs),
    };
    recovery.recordValue(f.recoveryUs);
    if (f.recoveryUs === 0) hitless++;
    if (f.firstFailoverSuccessUs !== null) firstSuccess.recordValue(f.firstFailoverSuccessUs);
    if (f.failbackUs !== null) failback.recordValue(f.failbackUs);
    else notFailedBack++;
    failErrors.recordValue(f.errors);
  }

  const overall = requestSummary(all);
  const successes = all.filter(ok);
  const versionCounts = countBy(successes, (s) => s.version);
  const nOk = successes.length;
  const expected: Record<string, number> = isFailover ? { v1: 1, v2: 0 } : { v1: 0.5, v2: 0.5 };
  const distribution: Summary['distribution'] = {};
  for (const [v, c] of Object.entries(versionCounts).sort()) {
    distribution[v] = { count: c, share: c / nOk, ci95: wilsonInterval(c, nOk), ...(isFailover ? {} : { expectedShare: expected[v] ?? 0 }) };
  }
  const testPhase = isFailover ? all.filter((s) => s.scheduledUs < faultUs && ok(s)) : successes;
  const gof = chiSquareGoodnessOfFit(countBy(testPhase, (s) => s.version), expected);

  const latencyByVersion: Record<string, HdrHistogram> = {};
  for (const s of all) if (s.version !== undefined) (latencyByVersion[s.version] ??= hdr()).recordValue(s.latencyUs);

  const phaseDefs = isFailover
    ? [{ name: 'before', fromUs: 0, toUs: faultUs }, { name: 'during', fromUs: faultUs, toUs: restoreUs }, { name: 'after', fromUs: restoreUs, toUs: null }]
    : [{ name: 'all', fromUs: 0, toUs: null }];
  const phases = phaseDefs.map((p) => {
    const inPhase = all.filter((s) => s.scheduledUs >= p.fromUs && (p.toUs === null || s.scheduledUs < p.toUs));
    const r = requestSummary(inPhase);
    return { name: p.name, fromMs: p.fromUs / 1000, toMs: p.toUs === null ? null : p.toUs / 1000, requests: r.requests, errors: r.errors, errorRate: r.errorRate, distribution: shares(countBy(inPhase.filter(ok), (s) => s.version)), latencyMs: latencySummary(r.latency) };
  });

  const buckets = durationS;
  const series: Result['series'] = { bucketMs: 1000, requests: new Array<number>(buckets).fill(0), errors: new Array<number>(buckets).fill(0), byVersion: { v1: new Array<number>(buckets).fill(0), v2: new Array<number>(buckets).fill(0) }, p99Ms: [] };
  const perBucket: number[][] = Array.from({ length: buckets }, () => []);
  for (const s of all) {
    const b = Math.min(Math.floor(s.scheduledUs / 1e6), buckets - 1);
    series.requests[b]! += 1;
    if (!ok(s)) series.errors[b]! += 1;
    else if (s.version !== undefined) series.byVersion[s.version]![b]! += 1;
    perBucket[b]!.push(s.latencyUs);
  }
  series.p99Ms = perBucket.map((l) => (l.length === 0 ? null : ms(l.sort((a, b) => a - b)[Math.ceil(0.99 * l.length) - 1]!)));

  const byCluster = countBy(successes, (s) => s.cluster);
  const summary: Summary = {
    requests: overall.requests,
    errors: overall.errors,
    errorRate: overall.errorRate,
    lateStarts: { count: 0, maxMs: 0 },
    load: { model: 'open', ratePerS, durationMs: durationS * 1000, resolutionMs: 1000 / ratePerS },
    statusCodes: countBy(all, (s) => String(s.status)),
    distribution,
    distributionTest: { phase: isFailover ? 'before' : 'all', expected, chiSquare: gof.chiSquare, df: gof.df, pValue: gof.pValue },
    locality: {
      sameLocality: successes.filter((s) => s.locality === CLIENT.locality).length / nOk,
      sameCluster: (byCluster[CLIENT.cluster] ?? 0) / nOk,
      sameNetwork: successes.filter((s) => s.network === CLIENT.network).length / nOk,
      byCluster: Object.fromEntries(Object.entries(byCluster).map(([c, n]) => [c, n / nOk])),
    },
    latencyMs: latencySummary(overall.latency),
    latencyByVersionMs: Object.fromEntries(Object.entries(latencyByVersion).map(([v, h]) => [v, latencySummary(h)])),
    phases,
  };
  if (opts.perTrial !== false) summary.perTrial = perTrial;
  const histograms: Record<string, string> = { latency: encodeIntoCompressedBase64(overall.latency) };
  for (const [v, h] of Object.entries(latencyByVersion)) histograms[`latency.${v}`] = encodeIntoCompressedBase64(h);
  if (isFailover) {
    const duringErrors = summary.phases.find((p) => p.name === 'during')?.errors ?? 0;
    summary.failover = {
      fault: 'fault',
      restore: 'restore',
      resolutionMs: 1000 / ratePerS,
      trials,
      recoveryMs: overTrials(recovery, ms),
      firstFailoverSuccessMs: overTrials(firstSuccess, ms),
      errorsDuringFailover: overTrials(failErrors, (v) => v) ?? { n: trials, min: duringErrors, p50: duringErrors, p90: duringErrors, p99: duringErrors, max: duringErrors, mean: duringErrors },
      failbackMs: overTrials(failback, ms),
      hitless,
      notRecovered: 0,
      notFailedBack,
    };
    Object.assign(histograms, {
      'failover.errors': encodeIntoCompressedBase64(failErrors),
      'failover.failback': encodeIntoCompressedBase64(failback),
      'failover.firstFailoverSuccess': encodeIntoCompressedBase64(firstSuccess),
      'failover.recovery': encodeIntoCompressedBase64(recovery),
    });
  }

  const istio = opts.istio ?? '1.24';
  const target: ResultTarget =
    opts.target === 'kube'
      ? { kind: 'kube', contexts: ['kind-cluster1', 'kind-cluster2'], load: 'k6', istio: { cluster1: `${istio}.2`, cluster2: `${istio}.2` }, kubernetes: { cluster1: '1.31.0', cluster2: '1.31.0' } }
      : { kind: 'sim', istio, seed, mesh: { name: 'two-cluster', meshID: 'mesh1' } };
  const startedAt = opts.startedAt ?? '2026-11-23T21:45:00.000Z';
  const thresholds = isFailover
    ? [
        { expr: 'failover.recovery.p99 < 5s', value: summary.failover?.recoveryMs?.p99 ?? null, ok: (summary.failover?.recoveryMs?.p99 ?? Infinity) < 5000 },
        { expr: 'errors.rate < 1%', value: summary.errorRate, ok: summary.errorRate < 0.01 },
        { expr: 'distribution.v2.share > 0.9 during fault..restore', value: phases[1]!.distribution['v2']?.share ?? 0, ok: (phases[1]!.distribution['v2']?.share ?? 0) > 0.9 },
      ]
    : [{ expr: 'latency.p99 < 100ms', value: summary.latencyMs.p99, ok: summary.latencyMs.p99 < 100 }];
  return {
    schema: opts.perTrial === false ? RESULT_SCHEMA_V1 : RESULT_SCHEMA,
    id: opts.id ?? `20261123-214500-${scenario}-${(seed * 1_000_003 + trials).toString(16).padStart(6, '0').slice(-6)}`,
    tool: { name: 'meshbench', version: '0.1.0' },
    scenario: { name: scenario, description: isFailover ? 'Scale helloworld-v1 in cluster1 to zero, measure recovery, then restore and measure failback.' : 'Spread across v1 and v2 without locality preference.', sha256: 'a3c1f0'.padEnd(64, '0'), spec: { name: scenario, load: { kind: 'open', ratePerS, durationUs: durationS * 1e6 } } },
    target,
    labels: { ...(opts.labels ?? { istio }) },
    startedAt,
    finishedAt: startedAt.replace(/T(\d\d):(\d\d)/, (_m, h: string, m: string) => `T${h}:${String(Number(m) + 1).padStart(2, '0')}`),
    trials,
    summary,
    histograms,
    series,
    events: isFailover
      ? Array.from({ length: trials }, (_, t) => [
          { name: 'fault', atMs: 20_000, action: 'scale cluster1/helloworld-v1 to 0', ...(trials > 1 ? { trial: t } : {}) },
          { name: 'restore', atMs: 40_000, action: 'scale cluster1/helloworld-v1 to 1', ...(trials > 1 ? { trial: t } : {}) },
        ]).flat()
      : [],
    thresholds,
  };
}
