import { describe, expect, it } from 'vitest';
import { buildResult, type BuildResultInput } from '../../src/app/build-result.js';
import { createAccumulator } from '../../src/measure/accumulator.js';
import { mergeTrials } from '../../src/measure/merge.js';
import { evaluateThresholds } from '../../src/measure/thresholds.js';
import { validateResult } from '../../src/model/result-schema.js';
import type { RunEvent } from '../../src/model/sample.js';
import { parseThreshold } from '../../src/model/threshold-parse.js';
import { feed, openSamples } from '../measure/support.js';

const CLIENT = { cluster: 'cluster1', network: 'network1', locality: 'us-east1/us-east1-b' };
const THRESHOLDS = ['failover.recovery.p99 < 5s', 'errors.rate < 0.1%', 'distribution.v2.share > 0.9 during fault..restore'].map((t) => parseThreshold(t));

/** Events in the order a target might report them (restore first): the result must not care. */
function input(events: RunEvent[], labels: Record<string, string>): BuildResultInput {
  const trials = [0, 1].map((trial) => {
    const acc = createAccumulator({
      load: { model: 'open', ratePerS: 100, durationUs: 60e6 },
      client: CLIENT,
      clusterNetworks: { cluster1: 'network1', cluster2: 'network2' },
      expectedShares: { v1: 1, v2: 0 },
      failover: { fault: 'fault', restore: 'restore' },
      thresholds: THRESHOLDS,
    });
    feed(
      (s) => acc.record(s),
      openSamples(100, 60, (s) => {
        if (s >= 20e6 && s < 20e6 + (trial + 1) * 100_000) return { status: 503 };
        const local = s < 20e6 || s >= 40.5e6;
        return local ? { status: 200, version: 'v1', cluster: 'cluster1', locality: CLIENT.locality } : { status: 200, version: 'v2', cluster: 'cluster2', locality: 'us-west1/us-west1-a' };
      }),
    );
    return acc.finish(events.filter((e) => e.trial === trial));
  });
  const merged = mergeTrials(trials);
  return {
    id: '20261123-214500-failover-3fa2c1',
    scenario: { name: 'failover', description: 'fail over and back', sha256: 'ab'.repeat(32), spec: { load: { rate: 100 } } },
    target: { kind: 'sim', istio: '1.24', seed: 7, mesh: { clusters: [] } },
    labels,
    startedAt: '2026-11-23T21:45:00.000Z',
    finishedAt: '2026-11-23T21:45:01.000Z',
    merged,
    events,
    thresholds: evaluateThresholds(THRESHOLDS, merged),
    toolVersion: '0.1.0',
  };
}

const EVENTS: RunEvent[] = [0, 1].flatMap((trial) => [
  { name: 'restore', atMs: 40_000, action: 'scale cluster1/helloworld-v1 to 1', trial },
  { name: 'fault', atMs: 20_000, action: 'scale cluster1/helloworld-v1 to 0', trial },
]);

describe('buildResult', () => {
  it('builds a result the result schema accepts', () => {
    const result = buildResult(input(EVENTS, { istio: '1.24' }));
    const checked = validateResult(JSON.parse(JSON.stringify(result)), '0.1.0');
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    expect(result.trials).toBe(2);
    expect(result.summary.failover).toMatchObject({ trials: 2, notRecovered: 0 });
    expect(result.summary.distributionTest).toMatchObject({ phase: 'before', pValue: 1 });
    expect(result.summary.locality!.sameNetwork).toBeCloseTo(result.summary.distribution['v1']!.share, 12);
    expect(result.thresholds.map((t) => t.ok)).toEqual([true, false, true]);
    expect(result.events.map((e) => `${e.trial}:${e.name}`)).toEqual(['0:fault', '0:restore', '1:fault', '1:restore']);
  });

  it('is byte-stable whatever order events and labels arrive in', () => {
    const a = JSON.stringify(buildResult(input(EVENTS, { istio: '1.24', team: 'mesh' })));
    const b = JSON.stringify(buildResult(input([...EVENTS].reverse(), { team: 'mesh', istio: '1.24' })));
    expect(b).toBe(a);
    expect(Object.keys(JSON.parse(a) as object)).toEqual([
      'schema',
      'id',
      'tool',
      'scenario',
      'target',
      'labels',
      'startedAt',
      'finishedAt',
      'trials',
      'summary',
      'histograms',
      'series',
      'events',
      'thresholds',
    ]);
  });
});
