import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/app/compare.js';
import { compareSubject } from '../../src/app/compare-tests.js';
import type { ResultStore } from '../../src/app/ports.js';
import type { Result, TrialFigures } from '../../src/model/result.js';
import { subjectOf } from '../support/aa-trials.js';
import { buildResult } from '../support/results.js';

function storeOf(results: readonly Result[]): ResultStore {
  return {
    save: () => Promise.reject(new Error('read-only')),
    list: () => Promise.resolve({ results: [], unreadable: [] }),
    load: (ref) => Promise.resolve(results.find((r) => r.id === ref)!),
  };
}

function trial(errors: number, recovery: 'reached' | 'never' | 'run-ended', recoveryMs: number | null): TrialFigures {
  return {
    requests: 6000,
    errors,
    versions: { v1: 6000 - errors },
    okLatencyP50Ms: 5,
    failover: { recovery, recoveryMs, firstFailoverSuccessMs: 100, errorsDuringFailover: errors, failback: 'reached', failbackMs: 3000 },
  };
}

describe('compare: rare events', () => {
  it('0 vs 4 errors in 6,000 requests, one trial each: Fisher p = 0.125, described, no "worse (p = 0.045)"', () => {
    const c = compareSubject(subjectOf('B', [trial(4, 'reached', 500)]), subjectOf('A', [trial(0, 'reached', 500)]), 0.05);
    expect(c.errors).toMatchObject({ kind: 'no-test', test: 'fisher', method: 'exact', descriptive: true, unit: 'requests' });
    expect(c.errors.pValue).toBeCloseTo(0.1249, 3);
  });
});

describe('compare: censored recoveries', () => {
  const fine = Array.from({ length: 20 }, (_, i) => trial(10, 'reached', 1000 + 50 * i));
  // Half the trials never recover; those that do are as fast as the baseline's.
  const broken = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? trial(10, 'never', null) : trial(10, 'reached', 1000 + 50 * i)));

  it('keeps never-recovered trials as the worst values: worse, with the censored counts', () => {
    const c = compareSubject(subjectOf('broken', broken), subjectOf('fine', fine), 0.05);
    expect(c.failover!.recovery).toMatchObject({ kind: 'worse', unit: 'trials', censored: { subject: 10, baseline: 0 }, notMeasured: { subject: 0, baseline: 0 } });
    const reverse = compareSubject(subjectOf('fine', fine), subjectOf('broken', broken), 0.05);
    expect(reverse.failover!.recovery.kind).toBe('better');
  });

  it('leaves trials the run ended too early to judge out, and counts them apart', () => {
    const ended = fine.map((t, i) => (i < 3 ? trial(10, 'run-ended', null) : t));
    const c = compareSubject(subjectOf('ended', ended), subjectOf('fine', fine), 0.05);
    expect(c.failover!.recovery).toMatchObject({ kind: 'same', notMeasured: { subject: 3, baseline: 0 }, censored: { subject: 0, baseline: 0 } });
  });
});

describe('compare: like with like', () => {
  it('warns, naming the fields, when loads or durations differ under one scenario name', async () => {
    const slow = buildResult({ id: 'slow', seed: 1, ratePerS: 100, durationS: 20, scenario: 'distribution' });
    const fast = buildResult({ id: 'fast', seed: 2, ratePerS: 1000, durationS: 20, scenario: 'distribution' });
    const longer = buildResult({ id: 'longer', seed: 3, ratePerS: 100, durationS: 30, scenario: 'distribution' });
    const view = await compareResults({ refs: ['slow', 'fast', 'longer'] }, { store: storeOf([slow, fast, longer]) });
    expect(view.warnings).toContain('the loads differ (slow open 100 req/s, fast open 1000 req/s, longer open 100 req/s): latency and errors depend on the load');
    expect(view.warnings.some((w) => w.startsWith('the durations differ (slow 20s, fast 20s, longer 30s)'))).toBe(true);
  });

  it('warns when the meshes or DestinationRules differ', async () => {
    const a = buildResult({ id: 'a', seed: 1, durationS: 20, scenario: 'distribution' });
    const b = buildResult({ id: 'b', seed: 2, durationS: 20, scenario: 'distribution' });
    const otherMesh: Result = { ...b, id: 'm', target: { kind: 'sim', istio: '1.24', seed: 2, mesh: { name: 'three-cluster', meshID: 'mesh1' } } };
    const withRule: Result = { ...b, id: 'r', scenario: { ...b.scenario, spec: { ...(b.scenario.spec as object), destinationRule: { name: 'locality-lb', source: 'x.yaml' } } } };
    const store = storeOf([a, b, otherMesh, withRule]);
    expect((await compareResults({ refs: ['a', 'b'] }, { store })).warnings).toEqual([]);
    expect((await compareResults({ refs: ['a', 'm'] }, { store })).warnings[0]).toContain('the meshes differ (a "two-cluster", m "three-cluster")');
    expect((await compareResults({ refs: ['a', 'r'] }, { store })).warnings[0]).toContain('the DestinationRules differ (a none, r locality-lb)');
  });
});
