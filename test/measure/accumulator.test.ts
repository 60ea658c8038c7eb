import { describe, expect, it } from 'vitest';
import { createAccumulator, type AccumulatorOptions } from '../../src/measure/accumulator.js';
import { Columns } from '../../src/measure/columns.js';
import { Histogram } from '../../src/measure/histogram.js';
import { combineTrials } from '../../src/measure/combine.js';
import { mergeTrials } from '../../src/measure/merge.js';
import type { TrialMeasures } from '../../src/measure/types.js';
import type { RunEvent, Sample } from '../../src/model/sample.js';
import { parseThreshold } from '../../src/model/threshold-parse.js';
import { feed, openSamples, type Outcome } from './support.js';

const CLIENT = { cluster: 'cluster1', network: 'network1', locality: 'us-east1/us-east1-b' };
const V1: Outcome = { status: 200, version: 'v1', cluster: 'cluster1', locality: 'us-east1/us-east1-b' };
const V2: Outcome = { status: 200, version: 'v2', cluster: 'cluster2', locality: 'us-west1/us-west1-a' };
const EVENTS: RunEvent[] = [
  { name: 'fault', atMs: 20_000, action: 'scale cluster1/helloworld-v1 to 0' },
  { name: 'restore', atMs: 40_000, action: 'scale cluster1/helloworld-v1 to 1' },
];

function run(opts: Partial<AccumulatorOptions>, samples: Sample[], events: RunEvent[] = []): TrialMeasures {
  const acc = createAccumulator({ load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, ...opts });
  feed((s) => acc.record(s), samples);
  return acc.finish(events);
}

/** The seed's failover run: v1 local before the fault and after restore, v2 remote in between, 5 failures. */
function failoverSamples(): Sample[] {
  return openSamples(100, 60, (s) => {
    if (s >= 20e6 && s < 20.05e6) return { status: 503 };
    return s < 20e6 || s >= 40.5e6 ? V1 : { ...V2, latencyUs: 60_000 };
  });
}

describe('accumulator: whole-run measures', () => {
  it('counts requests, errors, status codes and distribution with Wilson intervals', () => {
    // Every third request goes to v2, one in 50 fails.
    const samples = openSamples(100, 60, (_s, i) => (i % 50 === 49 ? { status: i % 100 === 99 ? 0 : 503 } : i % 3 === 0 ? V2 : V1));
    const m = mergeTrials([run({ client: CLIENT, clusterNetworks: { cluster1: 'network1', cluster2: 'network2' } }, samples)]);
    const s = m.summary;
    expect(s.requests).toBe(6000);
    expect(s.errors).toBe(120);
    expect(s.errorRate).toBeCloseTo(0.02, 12);
    expect(s.statusCodes).toEqual({ '0': 60, '200': 5880, '503': 60 });
    expect(Object.keys(s.statusCodes)).toEqual(['0', '200', '503']);
    const v2 = s.distribution['v2']!;
    expect(s.distribution['v1']!.count + v2.count).toBe(5880);
    expect(v2.share).toBeCloseTo(v2.count / 5880, 12);
    expect(v2.ci95[0]).toBeLessThan(v2.share);
    expect(v2.ci95[1]).toBeGreaterThan(v2.share);
    expect(s.locality).not.toBeNull();
    expect(s.locality!.sameCluster).toBeCloseTo(s.distribution['v1']!.share, 12);
    expect(s.locality!.sameLocality).toBeCloseTo(s.distribution['v1']!.share, 12);
    expect(s.locality!.sameNetwork).toBeCloseTo(s.distribution['v1']!.share, 12);
    expect(s.locality!.byCluster['cluster2']).toBeCloseTo(v2.share, 12);
    expect(s.phases.map((p) => p.name)).toEqual(['all']);
    expect(s.failover).toBeUndefined();
  });

  it('measures latency from the scheduled time and counts late starts', () => {
    const samples = openSamples(10, 10, (_s, i) => ({ ...V1, latencyUs: 5000, lateUs: i === 42 ? 250_000 : 0 }));
    const s = mergeTrials([run({ load: { model: 'open', ratePerS: 10, durationUs: 10e6 } }, samples)]).summary;
    expect(s.lateStarts).toEqual({ count: 1, maxMs: 250 });
    expect(s.latencyMs.max).toBeCloseTo(255, 0);
    expect(s.latencyMs.p50).toBeCloseTo(5, 2);
    expect(s.load).toEqual({ model: 'open', ratePerS: 10, durationMs: 10_000, resolutionMs: 100 });
    expect(s.latencyByVersionMs['v1']!.count).toBe(100);
  });

  it('locality is null without client placement or without attribution', () => {
    expect(mergeTrials([run({}, openSamples(10, 1, () => V1))]).summary.locality).toBeNull();
    expect(mergeTrials([run({ client: CLIENT }, openSamples(10, 1, () => ({ status: 200, version: 'v1' })))]).summary.locality).toBeNull();
  });

  it('closed model: resolution is the observed mean gap', () => {
    const samples = openSamples(50, 10, () => V1);
    const s = mergeTrials([run({ load: { model: 'closed', concurrency: 1, durationUs: 10e6 } }, samples)]).summary;
    expect(s.load.model).toBe('closed');
    expect(s.load.concurrency).toBe(1);
    expect(s.load.resolutionMs).toBeCloseTo(20, 9);
  });

  it('chi-square against expected shares on the phase before the first event', () => {
    const samples = openSamples(100, 60, (s, i) => (s < 20e6 ? (i % 2 === 0 ? V1 : V2) : V2));
    const s = mergeTrials([run({ expectedShares: { v1: 0.5, v2: 0.5 } }, samples, EVENTS)]).summary;
    expect(s.distributionTest).toMatchObject({ phase: 'before', df: 1, chiSquare: 0, pValue: 1 });
    // The prediction belongs to the phase it was tested on, not beside the whole run's shares.
    expect(s.distribution['v1']!.expectedShare).toBeUndefined();
    const all = mergeTrials([run({ expectedShares: { v1: 0.5, v2: 0.5 } }, samples)]).summary;
    expect(all.distributionTest!.phase).toBe('all');
    expect(all.distribution['v1']!.expectedShare).toBe(0.5);
    expect(all.distributionTest!.pValue).toBeLessThan(1e-10);
    const refuted = mergeTrials([run({ expectedShares: { v1: 1, v2: 0 } }, samples)]).summary;
    expect(refuted.distributionTest).toMatchObject({ pValue: 0, unexpected: ['v2'] });
    expect(refuted.distributionTest!.chiSquare).toBe(Infinity);
  });

  it('a fault at t = 0 leaves no pre-fault traffic: no distribution test (not p = 0 on post-fault traffic)', () => {
    const samples = openSamples(100, 60, () => V2);
    const atZero: RunEvent[] = [{ name: 'fault', atMs: 0, action: 'scale cluster1/helloworld-v1 to 0' }];
    const s = mergeTrials([run({ expectedShares: { v1: 1, v2: 0 } }, samples, atZero)]).summary;
    expect(s.distributionTest).toBeUndefined();
  });
});

describe('accumulator: phases, windows, series', () => {
  it('splits phases at the failover events and keeps phase histograms', () => {
    const m = mergeTrials([run({ failover: { fault: 'fault', restore: 'restore' } }, failoverSamples(), EVENTS)]);
    const [before, during, after] = m.summary.phases;
    expect(m.summary.phases.map((p) => [p.name, p.fromMs, p.toMs])).toEqual([
      ['before', 0, 20_000],
      ['during', 20_000, 40_000],
      ['after', 40_000, null],
    ]);
    expect(before!.requests + during!.requests + after!.requests).toBe(6000);
    expect(during!.errors).toBe(5);
    expect(during!.distribution['v2']!.share).toBe(1);
    expect(during!.latencyMs.p50).toBeGreaterThan(59);
    expect(Object.keys(m.histograms)).toEqual([
      'failover.errors',
      'failover.failback',
      'failover.firstFailoverSuccess',
      'failover.recovery',
      'latency',
      'latency.phase.after',
      'latency.phase.before',
      'latency.phase.during',
      'latency.v1',
      'latency.v2',
    ]);
    expect(m.summary.failover).toMatchObject({ fault: 'fault', restore: 'restore', trials: 1, hitless: 0, notRecovered: 0, notFailedBack: 0 });
    expect(m.summary.failover!.recoveryMs).toMatchObject({ n: 1, p50: 50, p99: 50, max: 50 });
    // 99% of the 1 s window (100 requests) is reached 10 ms before the last v2 response.
    expect(m.summary.failover!.failbackMs!.p50).toBe(490);
    expect(m.summary.failover!.errorsDuringFailover).toMatchObject({ n: 1, p50: 5 });
  });

  it('measures `during` windows for thresholds', () => {
    const thresholds = [parseThreshold('distribution.v2.share > 0.9 during fault..restore'), parseThreshold('errors.rate < 1% during restore..never')];
    const m = mergeTrials([run({ thresholds, failover: { fault: 'fault', restore: 'restore' } }, failoverSamples(), EVENTS)]);
    const w = m.windows['fault..restore']!;
    expect(w.requests).toBe(2000);
    expect(w.distribution['v2']!.share).toBe(1);
    expect(w.latencyByVersionMs['v2']).toBeDefined();
    expect(m.windows['restore..never']).toBeUndefined();
  });

  it('gives a window that is exactly a phase the same counts as the phase', () => {
    const thresholds = [parseThreshold('distribution.v2.share > 0.9 during fault..restore')];
    const m = mergeTrials([run({ thresholds, failover: { fault: 'fault', restore: 'restore' } }, failoverSamples(), EVENTS)]);
    const during = m.summary.phases.find((p) => p.name === 'during')!;
    const w = m.windows['fault..restore']!;
    expect(w.requests).toBe(during.requests);
    expect(w.errors).toBe(during.errors);
    expect(w.distribution['v2']).toMatchObject(during.distribution['v2']!);
    expect(w.latencyMs).toEqual(during.latencyMs);
  });

  it('measures the same with reused columns as with fresh ones, whatever the columns held before', () => {
    const thresholds = [parseThreshold('distribution.v2.share > 0.9 during fault..restore'), parseThreshold('errors.rate < 1% during fault..restore')];
    const opts: AccumulatorOptions = { load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, thresholds, failover: { fault: 'fault', restore: 'restore' }, client: CLIENT };
    const fresh = createAccumulator(opts);
    feed((s) => fresh.record(s), failoverSamples());
    const expected = JSON.stringify(fresh.finish(EVENTS));
    // Columns that held a longer, different trial (and are smaller than this trial needs at first).
    const columns = new Columns(16);
    const other = createAccumulator({ ...opts, load: { model: 'open', ratePerS: 200, durationUs: 60e6 } }, columns);
    feed((s) => other.record(s), openSamples(200, 60, () => ({ status: 503 })));
    other.finish([]);
    const reused = createAccumulator(opts, columns);
    feed((s) => reused.record(s), failoverSamples());
    expect(JSON.stringify(reused.finish(EVENTS))).toBe(expected);
  });

  it('measures the same whether rows are placed by seq or appended in completion order', () => {
    const thresholds = [parseThreshold('errors.rate < 1% during fault..restore')];
    const opts: AccumulatorOptions = { load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, thresholds, failover: { fault: 'fault', restore: 'restore' }, client: CLIENT };
    const samples = failoverSamples();
    const bySchedule = [...samples].sort((a, b) => a.scheduledUs - b.scheduledUs);
    const withSeq = samples.map((s) => ({ ...s, seq: bySchedule.indexOf(s) }));
    const appended = createAccumulator(opts);
    feed((s) => appended.record(s), samples);
    const placed = createAccumulator(opts);
    for (const s of withSeq) placed.record(s);
    expect(JSON.stringify(placed.finish(EVENTS))).toBe(JSON.stringify(appended.finish(EVENTS)));
  });

  it('counts phases and windows the same from rows in scheduled order (index ranges) as from rows in completion order (a search per row)', () => {
    // A window that is no phase (fault..mid) gets counters of its own; one that is a phase shares them.
    const thresholds = [parseThreshold('errors.rate < 1% during fault..mid'), parseThreshold('errors.rate < 1% during fault..restore')];
    const events: RunEvent[] = [...EVENTS, { name: 'mid', atMs: 30_000, action: 'note' }];
    const opts: AccumulatorOptions = { load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, thresholds, failover: { fault: 'fault', restore: 'restore' }, client: CLIENT };
    const byCompletion = failoverSamples();
    expect(byCompletion.some((s, i) => i > 0 && s.scheduledUs < byCompletion[i - 1]!.scheduledUs)).toBe(true);
    const bySchedule = [...byCompletion].sort((a, b) => a.scheduledUs - b.scheduledUs);
    const appended = createAccumulator(opts);
    feed((s) => appended.record(s), byCompletion);
    const placed = createAccumulator(opts);
    // Recorded in completion order too, each at its position in the schedule.
    for (const s of byCompletion) placed.record({ ...s, seq: bySchedule.indexOf(s) });
    const a = appended.finish(events);
    expect(a.windows.find((w) => w.to === 'mid')!.counts!.requests).toBe(1000);
    expect(JSON.stringify(placed.finish(events))).toBe(JSON.stringify(a));
  });

  it('rejects seq positions that repeat, leave a gap or mix with samples without one', () => {
    const opts: AccumulatorOptions = { load: { model: 'open', ratePerS: 100, durationUs: 1e6 } };
    const sample = (seq?: number): Sample => ({ scheduledUs: 0, startUs: 0, endUs: 10, status: 200, ...(seq === undefined ? {} : { seq }) });
    const twice = createAccumulator(opts);
    twice.record(sample(0));
    expect(() => twice.record(sample(0))).toThrow(/seq 0 recorded twice/);
    const negative = createAccumulator(opts);
    expect(() => negative.record(sample(-1))).toThrow(/not a non-negative integer/);
    const gap = createAccumulator(opts);
    gap.record(sample(0));
    gap.record(sample(2));
    expect(() => gap.finish([])).toThrow(/1 of 3 seq positions were never recorded/);
    const mixed = createAccumulator(opts);
    mixed.record(sample(0));
    expect(() => mixed.record(sample())).toThrow(/without seq after samples with seq/);
    const mixedOther = createAccumulator(opts);
    mixedOther.record(sample());
    expect(() => mixedOther.record(sample(1))).toThrow(/with seq after samples without seq/);
  });

  it('builds a series by scheduled time with p99 per bucket', () => {
    const m = mergeTrials([run({ failover: { fault: 'fault', restore: 'restore' } }, failoverSamples(), EVENTS)]);
    const se = m.series;
    expect(se.bucketMs).toBe(1000);
    expect(se.requests).toHaveLength(60);
    expect(se.requests.every((r) => r === 100)).toBe(true);
    expect(se.errors[20]).toBe(5);
    expect(se.byVersion['v2']![25]).toBe(100);
    expect(se.byVersion['v1']![25]).toBe(0);
    expect(se.p99Ms[25]).toBeCloseTo(60, -0.5);
  });

  it('picks a larger bucket for long runs, and doubles buckets for runs of unknown length', () => {
    const long = run({ load: { model: 'open', ratePerS: 1, durationUs: 3600e6 } }, openSamples(1, 3600, () => V1));
    expect(long.series.bucketUs).toBe(10e6);
    expect(long.series.requests).toHaveLength(360);
    const unknown = run({ load: { model: 'open' }, keepSamples: false }, openSamples(1, 1300, () => V1));
    expect(unknown.series.bucketUs).toBe(4e6);
    expect(unknown.series.requests.reduce((a, b) => a + b, 0)).toBe(1300);
    expect(unknown.series.requests.length).toBeLessThanOrEqual(600);
  });
});

describe('mergeTrials', () => {
  const trial = (seedShift: number): TrialMeasures =>
    run(
      { failover: { fault: 'fault', restore: 'restore' } },
      openSamples(100, 60, (s) => (s >= 20e6 && s < 20e6 + seedShift * 10_000 ? { status: 503 } : s < 20e6 || s >= 40.5e6 ? V1 : V2)),
      EVENTS,
    );

  it('sums counts, merges histograms losslessly and turns failover figures into distributions', () => {
    const trials = [trial(1), trial(5), trial(10), trial(0)];
    const m = mergeTrials(trials);
    expect(m.trials).toBe(4);
    expect(m.summary.requests).toBe(24_000);
    expect(m.summary.errors).toBe(16);
    const all = new Histogram();
    for (const t of trials) all.add(Histogram.decode(t.overall.latency));
    expect(m.summary.latencyMs.p99).toBe(all.percentile(99) / 1000);
    expect(m.series.requests[0]).toBe(400);
    const f = m.summary.failover!;
    expect(f.trials).toBe(4);
    expect(f.hitless).toBe(1);
    // recoveries 10, 50, 100, 0 ms → nearest-rank median is the 2nd of 4 sorted values
    expect(f.recoveryMs).toMatchObject({ n: 4, min: 0, max: 100, p50: 10, p90: 100 });
    expect(f.errorsDuringFailover).toMatchObject({ n: 4, min: 0, max: 10, mean: 4 });
    expect(Histogram.decode(m.histograms['failover.recovery']!).totalCount).toBe(4);
  });

  it('combineTrials is associative: pre-combined halves merge to the same result', () => {
    const trials = [trial(1), trial(5), trial(10), trial(0)];
    const whole = mergeTrials(trials);
    const halves = mergeTrials([combineTrials(trials.slice(0, 2)), combineTrials(trials.slice(2))]);
    expect(JSON.stringify(halves)).toBe(JSON.stringify(whole));
  });

  it('is deterministic and JSON-safe', () => {
    const a = JSON.stringify(mergeTrials([trial(3)]));
    const b = JSON.stringify(mergeTrials([trial(3)]));
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual(mergeTrials([trial(3)]));
    expect(a).not.toMatch(/Infinity|NaN/);
    expect(structuredClone(trial(3))).toEqual(trial(3));
  });

  it('merges series with different bucket sizes onto the largest', () => {
    const load = { model: 'open' as const, ratePerS: 10, durationUs: 10e6 };
    const a = run({ load, bucketUs: 1e6 }, openSamples(10, 10, () => V1));
    const b = run({ load, bucketUs: 2e6 }, openSamples(10, 10, () => V1));
    const m = mergeTrials([a, b]);
    expect(m.series.bucketMs).toBe(2000);
    expect(m.series.requests).toEqual([40, 40, 40, 40, 40]);
  });
});

describe('accumulator: values clamped into the histogram range', () => {
  it('counts latencies above 1 h so the report can say they were clamped', () => {
    const samples = openSamples(10, 10, (_s, i) => (i < 3 ? { status: 200, version: 'v1', latencyUs: 4_000_000_000 } : { status: 200, version: 'v1', latencyUs: 5000 }));
    const s = mergeTrials([run({}, samples)]).summary;
    expect(s.clampedLatencies).toBe(3);
    expect(s.latencyMs.max).toBeLessThanOrEqual(3_600_000 * 1.001);
    expect(mergeTrials([run({}, openSamples(10, 10, () => V1))]).summary.clampedLatencies).toBeUndefined();
  });
});
