import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { applyFailoverPriorities, labelPriority } from '../../../src/sim/istiod/failover-priority.js';
import { applyLocalityFailover } from '../../../src/sim/istiod/locality-failover.js';
import { applyLocalityLoadBalancer, getEffectiveLbSetting, usesLocalityWeightedLbConfig } from '../../../src/sim/istiod/locality-lb.js';
import { applyLocalityWeights } from '../../../src/sim/istiod/locality-weights.js';
import { applyZoneAwareRegionalFailover } from '../../../src/sim/istiod/zone-aware.js';
import type { WorkingGroup } from '../../../src/sim/istiod/working-group.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import { groups } from './helpers.js';

const p131 = istioProfile('1.31')!;
const p130 = istioProfile('1.30')!;
const proxy = { locality: parseLocality('r1/z1/s1'), labels: { version: 'v1' } };
const prios = (gs: WorkingGroup[]) => gs.map((g) => g.priority);

describe('applyLocalityFailover', () => {
  it('ranks, applies the failover region and compacts', () => {
    const out = applyLocalityFailover(groups('r2/z1/s1', 'r1/z2/', 'r3//', 'r1/z1/s1', ''), proxy.locality, [{ from: 'r1', to: 'r3' }]);
    // raw 4 (not the failover target), 2, 3 (target), 0, 4 (no locality) -> compacted.
    expect(prios(out)).toEqual([3, 1, 2, 0, 3]);
  });
  it('uses only the first entry whose from is the client region', () => {
    const out = applyLocalityFailover(groups('r2//', 'r3//'), proxy.locality, [{ from: 'r9', to: 'r3' }, { from: 'r1', to: 'r2' }, { from: 'r1', to: 'r3' }]);
    expect(prios(out)).toEqual([0, 1]);
  });
  it('composes with a previous priority as previous*5 + p', () => {
    const gs = groups('r1/z1/s1', 'r2//');
    gs[0]!.priority = 1;
    // 1*5+0 = 5 for the local group, 0*5+3 = 3 for the other region: the label priority dominates.
    expect(prios(applyLocalityFailover(gs, proxy.locality, []))).toEqual([1, 0]);
  });
});

describe('failoverPriority', () => {
  const keys = ['topology.istio.io/network', 'region'];
  const proxyLabels = { 'topology.istio.io/network': 'n1', region: 'r1' };
  const cases: Array<[Record<string, string>, number, number]> = [
    [{ 'topology.istio.io/network': 'n1', region: 'r1' }, 0, 0],
    [{ 'topology.istio.io/network': 'n1', region: 'r2' }, 1, 1],
    [{ 'topology.istio.io/network': 'n2', region: 'r1' }, 2, 2],
    [{ 'topology.istio.io/network': 'n2', region: 'r2' }, 2, 3],
  ];
  it.each(cases)('labels %o: %i up to 1.30, %i from 1.31 (network preferred, not required)', (labels, le130, ge131) => {
    expect(labelPriority(keys, proxyLabels, labels, p130)).toBe(le130);
    expect(labelPriority(keys, proxyLabels, labels, p131)).toBe(ge131);
  });
  it('compares key=value with the literal, not the proxy label', () => {
    expect(labelPriority(['version=v2'], { version: 'v1' }, { version: 'v2' }, p131)).toBe(0);
    expect(labelPriority(['version=v2'], { version: 'v1' }, { version: 'v1' }, p131)).toBe(1);
  });
  it('splits a locality group per priority with summed weights, ascending', () => {
    const g: WorkingGroup = {
      ...groups('r1/z1/s1')[0]!,
      endpoints: ['a', 'b', 'c'].map((id, i) => ({ id, address: id, port: 1, weight: i + 1, kind: 'direct' as const, cluster: '', network: '', backends: [] })),
      labels: [{ version: 'v1' }, { version: 'v2' }, { version: 'v1' }],
    };
    const out = applyFailoverPriorities([g], { version: 'v1' }, ['version'], p131);
    expect(out.map((x) => [x.priority, x.weight, x.endpoints.map((e) => e.id)])).toEqual([
      [0, 4, ['a', 'c']],
      [1, 2, ['b']],
    ]);
  });
  it('does nothing for a proxy without labels', () => {
    const gs = groups('r1//', 'r2//');
    expect(applyFailoverPriorities(gs, {}, ['version'], p131)).toEqual(gs);
  });
});

describe('applyLocalityLoadBalancer', () => {
  const gs = groups('r1/z1/s1', 'r2//');
  it('needs outlier detection for failover', () => {
    expect(prios(applyLocalityLoadBalancer(gs, proxy, { enabled: true }, false, p131))).toEqual([0, 0]);
    expect(prios(applyLocalityLoadBalancer(gs, proxy, { enabled: true }, true, p131))).toEqual([0, 1]);
  });
  it('applies distribute without outlier detection and never failover with it', () => {
    const out = applyLocalityLoadBalancer(gs, proxy, { distribute: [{ from: 'r1/*', to: [{ locality: 'r2/*', weight: 100 }] }], failover: [{ from: 'r1', to: 'r2' }] }, true, p131);
    expect(prios(out)).toEqual([0, 0]);
    expect(out.map((g) => g.endpoints.length)).toEqual([0, 1]);
  });
  it('DR setting replaces the mesh one; enabled:false disables', () => {
    expect(getEffectiveLbSetting({ enabled: true, failover: [{ from: 'a', to: 'b' }] }, { enabled: true })).toEqual({ enabled: true });
    expect(getEffectiveLbSetting({ enabled: true }, { enabled: false })).toBeUndefined();
    expect(getEffectiveLbSetting({ enabled: false }, undefined)).toBeUndefined();
  });
  it('sets locality_weighted_lb_config for distribute, or failover/failoverPriority with outlier detection', () => {
    expect(usesLocalityWeightedLbConfig({ enabled: true }, true)).toBe(false);
    expect(usesLocalityWeightedLbConfig({ failover: [{ from: 'a', to: 'b' }] }, true)).toBe(true);
    expect(usesLocalityWeightedLbConfig({ failover: [{ from: 'a', to: 'b' }] }, false)).toBe(false);
    expect(usesLocalityWeightedLbConfig({ failoverPriority: ['x'] }, true)).toBe(true);
    expect(usesLocalityWeightedLbConfig({ distribute: [{ from: '*', to: [] }] }, false)).toBe(true);
  });
});

describe('applyLocalityWeights (distribute)', () => {
  it('first matching from, proportional ceil, unclaimed groups emptied', () => {
    const gs = groups('r1/z1/s1', 'r1/z1/s2', 'r2/z5/', 'r3//');
    gs[0]!.weight = 3;
    gs[2]!.weight = 2;
    gs[3]!.weight = undefined;
    const out = applyLocalityWeights(gs, proxy.locality, [
      { from: 'r2/*', to: [{ locality: 'r2/*', weight: 100 }] },
      { from: 'r1/*', to: [{ locality: 'r1/z1/*', weight: 60 }, { locality: 'r2/*', weight: 40 }] },
    ]);
    expect(out.map((g) => g.weight ?? 0)).toEqual([45, 15, 40, 0]);
    expect(out.map((g) => g.endpoints.length)).toEqual([1, 1, 1, 0]);
    expect(gs[3]!.endpoints.length).toBe(1); // input untouched
  });
  it('rounds up: three groups sharing 100 get 34 each', () => {
    const out = applyLocalityWeights(groups('r1/a/', 'r1/b/', 'r1/c/'), proxy.locality, [{ from: '*', to: [{ locality: 'r1/*', weight: 100 }] }]);
    expect(out.map((g) => g.weight)).toEqual([34, 34, 34]);
  });
  it('a group is claimed by the first to key that matches it (file order)', () => {
    const out = applyLocalityWeights(groups('r1/z1/', 'r1/z2/'), proxy.locality, [{ from: '*', to: [{ locality: 'r1/z1/*', weight: 70 }, { locality: 'r1/*', weight: 30 }] }]);
    expect(out.map((g) => g.weight)).toEqual([70, 30]);
  });
  it('leaves everything when no from matches', () => {
    const gs = groups('r1//', 'r2//');
    expect(applyLocalityWeights(gs, proxy.locality, [{ from: 'r9', to: [{ locality: 'r2', weight: 100 }] }])).toEqual(gs);
  });
});

describe('zone-aware region bucketing', () => {
  it('same region 0, failover target 1, others 2, compacted', () => {
    expect(prios(applyZoneAwareRegionalFailover(groups('r2//', 'r1/z9/', 'r3/z1/s1', 'r1/z1/s1'), proxy.locality, [{ from: 'r1', to: 'r3' }]))).toEqual([2, 0, 1, 0]);
    expect(prios(applyZoneAwareRegionalFailover(groups('r2//', 'r1/z9/'), proxy.locality, undefined))).toEqual([1, 0]);
  });
});
