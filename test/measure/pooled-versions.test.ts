/**
 * The distribution test counts versions behind one east-west gateway as one category: their split
 * is per connection (istio#32208), so a per-request chi-square would reject a correct prediction.
 */
import { describe, expect, it } from 'vitest';
import { runSimTrials } from '../../src/app/sim-trials.js';
import { loadMesh, loadScenario } from '../../src/fs/documents.js';
import { mergeTrials } from '../../src/measure/merge.js';
import { normalizePools, poolRecord } from '../../src/measure/pooled-versions.js';
import { chiSquareGoodnessOfFit } from '../../src/measure/stats.js';

describe('pooled versions', () => {
  it('merges groups that share a version and drops single versions', () => {
    expect(normalizePools([['v3', 'v2'], ['v1', 'v2'], ['v5'], ['v6', 'v7']])).toEqual([
      ['v1', 'v2', 'v3'],
      ['v6', 'v7'],
    ]);
    expect(poolRecord({ v1: 820, v2: 0, v3: 865 }, [['v2', 'v3']])).toEqual({ v1: 820, 'v2+v3': 865 });
  });

  it('a pinned run (one connection through the gateway) is consistent with the prediction once pooled, and refutes it per request', () => {
    const observed = { v1: 820, v2: 0, v3: 865 };
    const expected = { v1: 0.5, v2: 0.125, v3: 0.375 };
    expect(chiSquareGoodnessOfFit(observed, expected).pValue).toBeLessThan(0.001);
    expect(chiSquareGoodnessOfFit(poolRecord(observed, [['v2', 'v3']]), poolRecord(expected, [['v2', 'v3']])).pValue).toBeGreaterThan(0.05);
  });

  it('a simulated duplicate-gateway run tests v2+v3 as one and keeps the per-version prediction beside each version', async () => {
    const cwd = process.cwd();
    const mesh = await loadMesh('scenarios/meshes/remote-two-zones.yaml', cwd);
    const { scenario } = await loadScenario('duplicate-gateway', cwd, mesh);
    const short = { ...scenario, load: { kind: 'closed' as const, concurrency: 1, durationUs: 10_000_000, thinkTimeUs: 0 } };
    const batch = runSimTrials({ mesh, scenario: short, istio: '1.31' }, [1], 0);
    const { summary } = mergeTrials([batch.measures]);
    expect(summary.distributionTest?.pooled).toEqual([['v2', 'v3']]);
    expect(summary.distributionTest?.df).toBe(1);
    expect(summary.distributionTest?.pValue).toBeGreaterThan(0.05);
    expect(summary.distribution['v2']?.expectedShare).toBeCloseTo(0.125, 9);
  });
});
