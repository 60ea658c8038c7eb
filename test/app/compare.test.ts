import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/app/compare.js';
import { mergeSeries } from '../../src/app/compare-groups.js';
import type { ResultStore } from '../../src/app/ports.js';
import type { Result } from '../../src/model/result.js';
import { buildResult } from '../support/results.js';

function storeOf(results: readonly Result[]): ResultStore {
  return {
    save: () => Promise.reject(new Error('read-only')),
    list: () => Promise.resolve({ results: [], unreadable: [] }),
    load: (ref) => Promise.resolve(results.find((r) => r.id === ref)!),
  };
}

describe('compareResults', () => {
  const a = buildResult({ id: 'a', seed: 1, trials: 6 });
  const sameConfig = buildResult({ id: 'b', seed: 2, trials: 6 });
  const slower = buildResult({ id: 'c', seed: 3, trials: 6, latencyShiftMs: 5, recoveryMs: [2000, 3000] });
  const split = buildResult({ id: 'd', scenario: 'distribution', seed: 4 });
  const store = storeOf([a, sameConfig, slower, split]);

  it('finds no difference between two runs of the same configuration', async () => {
    const view = await compareResults({ refs: ['a', 'b'] }, { store });
    const c = view.comparisons[0]!;
    expect(c.latency.kind).toBe('same');
    expect(c.distribution.kind).toBe('same');
    expect(c.failover?.failback.kind).toBe('same');
    expect(view.warnings).toEqual([]);
  });

  it('calls higher latency and longer recovery worse, and the reverse better', async () => {
    const worse = (await compareResults({ refs: ['a', 'c'] }, { store })).comparisons[0]!;
    expect(worse.latency.kind).toBe('worse');
    expect(worse.latency.probabilityOfSuperiority).toBeGreaterThan(0.5);
    expect(worse.failover?.recovery.kind).toBe('worse');
    const better = (await compareResults({ refs: ['c', 'a'] }, { store })).comparisons[0]!;
    expect(better.latency.kind).toBe('better');
    expect(better.failover?.recovery.kind).toBe('better');
  });

  it('tests the version split with chi-square and warns about different scenarios', async () => {
    const view = await compareResults({ refs: ['a', 'd'] }, { store });
    // d is one trial: the request-level χ² is descriptive, not a verdict.
    expect(view.comparisons[0]!.distribution).toMatchObject({ kind: 'no-test', test: 'chi-square', descriptive: true, unit: 'requests' });
    expect(view.comparisons[0]!.distribution.pValue).toBeLessThan(0.001);
    expect(view.comparisons[0]!.failover).toBeNull();
    expect(view.warnings[0]).toContain('different scenarios (failover, distribution)');
    expect(view.mainVersion).toBe('v1');
  });

  it('lets a larger alpha turn noise into a verdict only when p is below it', async () => {
    const strict = await compareResults({ refs: ['a', 'b'], alpha: 1e-9 }, { store });
    expect(strict.comparisons[0]!.errors.kind).toBe('same');
    expect(strict.alpha).toBe(1e-9);
  });
});

describe('mergeSeries', () => {
  it('sums series into the coarsest buckets', () => {
    const merged = mergeSeries([
      { bucketMs: 1000, requests: [1, 2, 3, 4], errors: [0, 1, 0, 0], byVersion: { v1: [1, 1, 3, 4] }, p99Ms: [1, 2, null, 4] },
      { bucketMs: 2000, requests: [10, 20], errors: [1, 0], byVersion: { v2: [9, 20] }, p99Ms: [5, 1] },
    ]);
    expect(merged).toEqual({ bucketMs: 2000, requests: [13, 27], errors: [2, 0], byVersion: { v1: [2, 7], v2: [9, 20] }, p99Ms: [5, 4] });
  });
});
