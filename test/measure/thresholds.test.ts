import { describe, expect, it } from 'vitest';
import { createAccumulator } from '../../src/measure/accumulator.js';
import { mergeTrials } from '../../src/measure/merge.js';
import { evaluateThresholds } from '../../src/measure/thresholds.js';
import type { MergedMeasures } from '../../src/measure/types.js';
import type { RunEvent } from '../../src/model/sample.js';
import type { Threshold } from '../../src/model/threshold.js';
import { parseThreshold } from '../../src/model/threshold-parse.js';
import { feed, openSamples } from './support.js';

const EVENTS: RunEvent[] = [
  { name: 'fault', atMs: 20_000, action: 'fault' },
  { name: 'restore', atMs: 40_000, action: 'restore' },
];

function measures(thresholds: Threshold[]): MergedMeasures {
  const acc = createAccumulator({
    load: { model: 'open', ratePerS: 100, durationUs: 60e6 },
    failover: { fault: 'fault', restore: 'restore' },
    thresholds,
  });
  // 20 failures right after the fault (200 ms), v2 during the fault, v1 otherwise; 10 ms latency.
  feed(
    (s) => acc.record(s),
    openSamples(100, 60, (s) => {
      if (s >= 20e6 && s < 20.2e6) return { status: 503, latencyUs: 10_000 };
      return { status: 200, version: s >= 20e6 && s < 40e6 ? 'v2' : 'v1', latencyUs: 10_000 };
    }),
  );
  return mergeTrials([acc.finish(EVENTS)]);
}

function judge(exprs: string[]): Array<{ value: number | null; ok: boolean; note?: string }> {
  const ts = exprs.map((e) => parseThreshold(e));
  return evaluateThresholds(ts, measures(ts)).map(({ value, ok, note }) => (note === undefined ? { value, ok } : { value, ok, note }));
}

describe('evaluateThresholds', () => {
  it('passes and fails with every operator', () => {
    const r = judge([
      'errors.count < 21',
      'errors.count < 20',
      'errors.count <= 20',
      'errors.count > 20',
      'errors.count >= 20',
      'errors.count == 20',
      'errors.count == 19',
    ]);
    expect(r.map((x) => x.ok)).toEqual([true, false, true, false, true, true, false]);
    expect(r[0]!.value).toBe(20);
  });

  it('compares durations with ms metrics', () => {
    const r = judge(['failover.recovery.p99 < 5s', 'failover.recovery.p99 < 200ms', 'failover.recovery.p99 <= 200ms', 'latency.p50 < 10ms', 'latency.p50 < 11ms']);
    expect(r.map((x) => x.ok)).toEqual([true, false, true, false, true]);
    expect(r[0]!.value).toBe(200);
  });

  it('compares percentages and fractions with shares, == with a float tolerance', () => {
    const r = judge(['errors.rate < 1%', 'errors.rate < 0.1%', 'errors.rate == 0.0033333333333333335', 'distribution.v1.share > 0.6']);
    expect(r.map((x) => x.ok)).toEqual([true, false, true, true]);
    expect(r[0]!.value).toBeCloseTo(20 / 6000, 12);
  });

  it('restricts a metric to a during window', () => {
    const r = judge(['distribution.v2.share > 0.9 during fault..restore', 'distribution.v2.share > 0.9', 'errors.count == 20 during fault..restore', 'errors.count == 0 during restore..fault']);
    expect(r[0]).toEqual({ value: 1, ok: true });
    expect(r[1]!.ok).toBe(false);
    expect(r[2]!.ok).toBe(true);
    // restore..fault is an empty window: 0 requests
    expect(r[3]).toEqual({ value: 0, ok: true });
  });

  it('a value that cannot be read is not ok, with a note', () => {
    const r = judge(['distribution.v9.share > 0.5 during fault..nope', 'latency.v9.p99 < 1s', 'lateStarts.count == 0']);
    expect(r[0]).toMatchObject({ value: null, ok: false });
    expect(r[0]!.note).toMatch(/fault\.\.nope/);
    expect(r[1]).toMatchObject({ value: null, ok: false });
    expect(r[1]!.note).toMatch(/latency\.v9\.p99/);
    expect(r[2]).toEqual({ value: 0, ok: true });
  });

  it('a unit mismatch is not ok, with a note', () => {
    const r = judge(['errors.count < 1%', 'errors.rate < 5s']);
    expect(r.map((x) => x.ok)).toEqual([false, false]);
    expect(r[0]!.note).toMatch(/count/);
  });

  it('failover metrics without a failover section are null', () => {
    const ts = [parseThreshold('failover.recovery.p99 < 5s')];
    const m = measures([]);
    delete m.summary.failover;
    expect(evaluateThresholds(ts, m)[0]).toMatchObject({ value: null, ok: false });
  });
});

describe('evaluateThresholds: censored recoveries', () => {
  /** One trial: failures from the fault for `failMs`, or until the restore when `never`. */
  function trial(never: boolean, failMs: number) {
    const acc = createAccumulator({ load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, failover: { fault: 'fault', restore: 'restore' } });
    feed(
      (s) => acc.record(s),
      openSamples(100, 60, (s) => (s >= 20e6 && (never ? s < 40e6 : s < 20e6 + failMs * 1000) ? { status: 503, latencyUs: 1000 } : { status: 200, version: 'v1', latencyUs: 10_000 })),
    );
    return acc.finish(EVENTS);
  }

  it('5 of 10 trials never recovered: failover.recovery.p99 < 5s fails and says why', () => {
    const merged = mergeTrials(Array.from({ length: 10 }, (_, i) => trial(i % 2 === 0, 300)));
    expect(merged.summary.failover).toMatchObject({ trials: 10, notRecovered: 5 });
    const [p99, p50] = evaluateThresholds([parseThreshold('failover.recovery.p99 < 5s'), parseThreshold('failover.recovery.p50 < 5s')], merged);
    expect(p99).toEqual({ expr: 'failover.recovery.p99 < 5s', value: null, ok: false, note: 'p99 reaches trials that never recovered: 5 of 10' });
    // The median is the 5th of 10 ranked values: a recovered trial.
    expect(p50).toMatchObject({ ok: true, value: 300 });
  });
});
