import { describe, expect, it } from 'vitest';
import { accumulatorOptionsFor, faultedVersions } from '../../src/app/sim-trials.js';
import { createAccumulator } from '../../src/measure/accumulator.js';
import type { RunEvent } from '../../src/model/sample.js';
import type { TimelineEntry } from '../../src/model/scenario.js';
import { feed, openSamples } from '../measure/support.js';
import { builtinMesh, scenario } from '../support/sim.js';

const GATEWAY_DOWN: TimelineEntry[] = [
  { atUs: 20_000_000, name: 'fault', action: { kind: 'gatewayDown', cluster: 'cluster2' } },
  { atUs: 40_000_000, name: 'restore', action: { kind: 'gatewayUp', cluster: 'cluster2' } },
];

describe('the faulted workload, from any timeline action', () => {
  it('gatewayDown stands for the versions behind that gateway (v2 in cluster2), not "what served most before"', async () => {
    const mesh = await builtinMesh();
    const sc = { ...scenario({ timeline: GATEWAY_DOWN }), measure: { failover: { fault: 'fault', restore: 'restore' } } };
    expect(faultedVersions(mesh, sc)).toEqual(['v2']);
    expect(accumulatorOptionsFor({ mesh, scenario: sc, istio: '1.24' }).faultedVersion).toBe('v2');
  });

  it('a gateway on the client own network faults nothing for it; a deployment action names its version', async () => {
    const mesh = await builtinMesh();
    const own: TimelineEntry[] = [{ atUs: 1, name: 'fault', action: { kind: 'gatewayDown', cluster: 'cluster1' } }];
    expect(faultedVersions(mesh, { ...scenario({ timeline: own }), measure: { failover: { fault: 'fault' } } })).toEqual([]);
    const scale: TimelineEntry[] = [{ atUs: 1, name: 'fault', action: { kind: 'scale', cluster: 'cluster1', deployment: 'helloworld-v1', replicas: 0 } }];
    expect(faultedVersions(mesh, { ...scenario({ timeline: scale }), measure: { failover: { fault: 'fault' } } })).toEqual(['v1']);
  });

  it('with v2 named, failback waits for v2 and the first failover success is v1 (the guess had it backwards)', () => {
    const events: RunEvent[] = [
      { name: 'fault', atMs: 20_000, action: 'east-west gateway of cluster2 down' },
      { name: 'restore', atMs: 40_000, action: 'east-west gateway of cluster2 up' },
    ];
    // v1 serves 70% before the fault, v2 30%; v2 is gone during the fault and back from 41 s.
    const outcome = (s: number, i: number) => (s >= 20e6 && s < 41e6 ? { status: 200, version: 'v1' } : { status: 200, version: i % 10 < 7 ? 'v1' : 'v2' });
    const figures = (faultedVersion?: string) => {
      const acc = createAccumulator({ load: { model: 'open', ratePerS: 100, durationUs: 60e6 }, failover: { fault: 'fault', restore: 'restore' }, ...(faultedVersion ? { faultedVersion } : {}) });
      feed((x) => acc.record(x), openSamples(100, 60, outcome));
      return acc.finish(events).failover!.figures[0]!;
    };
    const named = figures('v2');
    expect(named.faultedVersion).toBe('v2');
    expect(named.firstFailoverSuccessUs).not.toBeNull();
    // v2 serves 30% again after 41 s, never 99%: not failed back (the share rule), judged on v2.
    expect(named.failback).toBe('never');
    const guessed = figures();
    expect(guessed.faultedVersion).toBe('v1');
  });
});
