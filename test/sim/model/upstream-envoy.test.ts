/**
 * Envoy behaviours the model got wrong before issue 12, each checked against the upstream file and
 * function it mirrors (cited per test).
 */
import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { dedupeAssignment, duplicateAddresses } from '../../../src/sim/envoy/eds-dedupe.js';
import { OutlierDetector } from '../../../src/sim/envoy/outlier-detector.js';
import { resolveEnvoyOutlierDetection, toEnvoyOutlierConfig } from '../../../src/sim/envoy/outlier-config.js';
import { levelHealth, priorityLevelsOf } from '../../../src/sim/envoy/priority-set.js';
import { ClientProxy } from '../../../src/sim/engine/client-proxy.js';
import { OUTCOME_CONNECT_FAILURE, OUTCOME_HTTP_ERROR, OUTCOME_RESET, OUTCOME_SUCCESS, outlierReportOf } from '../../../src/sim/engine/attempt.js';
import { createRng } from '../../../src/sim/rng.js';
import type { ClusterConfig, ClusterLoadAssignment, LbEndpoint, LocalityLbEndpoints } from '../../../src/sim/xds-types.js';

const ep = (id: string, over: Partial<LbEndpoint> = {}): LbEndpoint => ({
  id,
  address: id,
  port: 5000,
  weight: 1,
  kind: 'direct',
  cluster: 'c1',
  network: 'n1',
  backends: [],
  ...over,
});
const group = (locality: string, priority: number, endpoints: LbEndpoint[], weight?: number): LocalityLbEndpoints => ({
  locality: parseLocality(locality),
  priority,
  weight: weight ?? endpoints.reduce((a, e) => a + e.weight, 0),
  endpoints,
});
const gw = (weight: number, backends: string[]): LbEndpoint => ep('cluster2/istio-eastwestgateway', { address: '172.18.0.2', port: 15443, weight, kind: 'gateway', cluster: 'c2', network: 'n2', backends });
const config = (over: Partial<ClusterConfig> = {}): ClusterConfig => ({
  lbPolicy: 'LEAST_REQUEST',
  localityWeighted: false,
  healthyPanicThresholdPct: 0,
  overprovisioningFactor: 140,
  ...over,
});
const proxy = (c: ClusterConfig, seed = 1) =>
  new ClientProxy({ id: 'sleep', cluster: 'c1', network: 'n1', locality: parseLocality('r1/z1'), labels: {} }, c, { strictMaxEjectionPercent: true, rng: createRng(seed) });
const shares = (p: ClientProxy, n: number): Record<string, number> => {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const h = p.pick([], 5);
    if (h !== undefined) out[h.target] = (out[h.target] ?? 0) + 1 / n;
  }
  return out;
};

// The assignment istiod sends for a remote cluster over two zones (1 pod in r2/za, 3 in r2/zb):
// one gateway entry per locality group, same IP:15443 (istio ep_filters.go EndpointsByNetworkFilter).
const twoZoneRemote: ClusterLoadAssignment = {
  groups: [group('r1/z1', 0, [ep('v1')]), group('r2/za', 0, [gw(1, ['v2'])]), group('r2/zb', 0, [gw(3, ['v3a', 'v3b', 'v3c'])])],
};

describe('duplicate addresses (envoy source/extensions/clusters/eds/eds.cc BatchUpdateHelper::updateLocalityEndpoints)', () => {
  it('keeps only the first copy, with its own weight, in its own locality', () => {
    expect(duplicateAddresses(twoZoneRemote).map((d) => d.copies.map((c) => c.weight))).toEqual([[1, 3]]);
    const kept = dedupeAssignment(twoZoneRemote);
    expect(kept.groups.map((g) => g.endpoints.map((e) => `${e.id}:${e.weight}`))).toEqual([['v1:1'], ['cluster2/istio-eastwestgateway:1'], []]);
    // The locality weight of the emptied group is untouched (Envoy keeps the LocalityLbEndpoints).
    expect(kept.groups[2]?.weight).toBe(3);
  });

  it('drops later copies across priorities too, so the host counts once, in the first priority that lists it', () => {
    const cla: ClusterLoadAssignment = { groups: [group('r2/za', 0, [gw(1, ['v2'])]), group('r2/zb', 1, [gw(3, ['v3'])])] };
    expect(levelHealth(priorityLevelsOf(cla))).toEqual([{ total: 1, healthy: 1 }, { total: 0, healthy: 0 }]);
  });

  it('the client proxy sends about 50% to the local pod, not 20% (1 of 5 pods) — istio#56355', () => {
    const p = proxy(config());
    p.applyAssignment(twoZoneRemote);
    const gwHost = p.hostList.find((h) => h.kind === 'gateway');
    expect(gwHost?.weight).toBe(1);
    const s = shares(p, 4000);
    expect(s['v1']).toBeGreaterThan(0.46);
    expect(s['v1']).toBeLessThan(0.54);
  });
});

describe('panic ignores locality weights (envoy load_balancer_impl.cc ZoneAwareLoadBalancerBase::hostSourceToUse)', () => {
  it('a priority in panic picks from all its hosts (AllHosts) before any locality pick', () => {
    // Two localities weighted 1 : 99, every host unhealthy, Envoy's default panic threshold 50.
    const cla: ClusterLoadAssignment = {
      groups: [group('r1/z1', 0, [ep('a', { unhealthy: true })], 1), group('r1/z2', 0, [ep('b', { unhealthy: true })], 99)],
    };
    const p = proxy(config({ localityWeighted: true, healthyPanicThresholdPct: 50 }));
    p.applyAssignment(cla);
    expect(p.priorityLoads.inPanic).toEqual([true]);
    const s = shares(p, 4000);
    // Locality-weighted picking would give `a` about 1%; all hosts alike give it about half.
    expect(s['a']).toBeGreaterThan(0.45);
    expect(s['a']).toBeLessThan(0.55);
  });
});

describe('EDS UNHEALTHY hosts (Istio 1.31 PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS; envoy load_balancer_impl.cc recalculatePerPriorityState)', () => {
  it('count in their priority: 1 healthy of 2 gives P0 ⌊140·1/2⌋ = 70, P1 30, and are never picked outside panic', () => {
    const cla: ClusterLoadAssignment = { groups: [group('r1/z1', 0, [ep('old'), ep('new', { unhealthy: true })]), group('r2/z1', 1, [ep('remote')])] };
    const p = proxy(config());
    p.applyAssignment(cla);
    expect(p.priorityLoads.healthy).toEqual([70, 30]);
    const s = shares(p, 4000);
    expect(s['new']).toBeUndefined();
    expect(s['remote']).toBeGreaterThan(0.27);
    expect(s['remote']).toBeLessThan(0.33);
    // Once ready (the next EDS lists it healthy) everything stays in P0.
    p.applyAssignment({ groups: [group('r1/z1', 0, [ep('old'), ep('new')]), group('r2/z1', 1, [ep('remote')])] });
    expect(p.priorityLoads.healthy).toEqual([100, 0]);
  });

  it('count in the max-ejection-percent denominator (outlier_detection_impl.cc: every host of the cluster)', () => {
    const outlier = toEnvoyOutlierConfig(resolveEnvoyOutlierDetection({ consecutive5xx: 1, maxEjectionPercent: 50 }));
    const p = proxy(config({ outlier }));
    p.applyAssignment({ groups: [group('r1/z1', 0, [ep('a'), ep('b', { unhealthy: true })])] });
    const a = p.hostList.find((h) => h.target === 'a');
    if (a === undefined) throw new Error('no host a');
    // Strict rule: 100 × (0+1) / 2 = 50 ≤ 50, so `a` may be ejected because `b` counts as a host.
    expect(p.report(a, { kind: 'http', status: 500 }, 1)).toBe(true);
  });
});

describe('outlier detection details', () => {
  it('a mid-stream reset is reported as a local-origin connect failure, a 503-equivalent (envoy router.cc Filter::onUpstreamReset)', () => {
    expect(outlierReportOf(OUTCOME_RESET, 503)).toEqual({ kind: 'local', result: 'connect_failure' });
    expect(outlierReportOf(OUTCOME_CONNECT_FAILURE, 503)).toEqual({ kind: 'local', result: 'connect_failure' });
    expect(outlierReportOf(OUTCOME_HTTP_ERROR, 500)).toEqual({ kind: 'http', status: 500 });
    expect(outlierReportOf(OUTCOME_SUCCESS, 200)).toEqual({ kind: 'http', status: 200 });
    // Not split: the reset counts for the gateway-failure detector like a 503 would.
    const d = new OutlierDetector(toEnvoyOutlierConfig(resolveEnvoyOutlierDetection({ consecutive5xx: 100, consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100, maxEjectionPercent: 100 })), { strictMaxEjectionPercent: true });
    const m = d.addHost('a');
    d.reportLocalOrigin(m, 'connect_failure', 0);
    expect(d.reportLocalOrigin(m, 'connect_failure', 1)).toBe(true);
  });

  it('un-ejection resets the local-origin counter too (outlier_detection_impl.cc DetectorImpl::checkHostForUneject)', () => {
    const cfg = toEnvoyOutlierConfig(
      resolveEnvoyOutlierDetection({ consecutive5xx: 1, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 3, enforcingConsecutiveLocalOriginFailure: 100, maxEjectionPercent: 100, baseEjectionTimeUs: 1_000_000, intervalUs: 1_000_000 }),
    );
    const d = new OutlierDetector(cfg, { strictMaxEjectionPercent: true });
    const m = d.addHost('a');
    d.reportLocalOrigin(m, 'connect_failure', 0);
    d.reportLocalOrigin(m, 'connect_failure', 0);
    expect(m.consecutiveLocalOriginFailure).toBe(2);
    expect(d.reportHttpStatus(m, 500, 0)).toBe(true);
    expect(d.tick(1_000_000)).toEqual([m]);
    expect(m.consecutiveLocalOriginFailure).toBe(0);
  });
});

describe('ROUND_ROBIN keeps its index across EDS updates (envoy round_robin_lb.h rr_indexes_)', () => {
  it('continues the rotation after an update instead of restarting at a random host', () => {
    const cla: ClusterLoadAssignment = { groups: [group('r1/z1', 0, [ep('a'), ep('b'), ep('c')])] };
    const p = proxy(config({ lbPolicy: 'ROUND_ROBIN' }), 7);
    p.applyAssignment(cla);
    const before = [0, 1, 2, 3].map(() => p.pick([], 5)?.target);
    for (let k = 0; k < 5; k++) {
      p.applyAssignment({ groups: [group('r1/z1', 0, [ep('a'), ep('b'), ep('c')])] });
      const next = p.pick([], 5)?.target;
      const last = before[before.length - 1] as string;
      expect(next).toBe(['a', 'b', 'c'][(['a', 'b', 'c'].indexOf(last) + 1) % 3]);
      before.push(next);
    }
  });
});
