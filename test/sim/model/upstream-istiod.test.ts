/**
 * istiod behaviours by version that the model got wrong or left out before issue 12, each checked
 * against the upstream file and function it mirrors (read at the tags cited).
 */
import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { buildClusterConfig } from '../../../src/sim/istiod/cluster-config.js';
import { buildClusterLoadAssignment, sendsUnhealthyEndpoints } from '../../../src/sim/istiod/endpoint-builder.js';
import { LABEL_CLUSTER } from '../../../src/sim/istiod/labels.js';
import { applyLocalityLoadBalancer, resolveLocalityLbSetting, trafficDistributionSetting } from '../../../src/sim/istiod/locality-lb.js';
import { istioProfile, type IstioProfile } from '../../../src/sim/istio-profile.js';
import type { NetworkGateway, ProxyView } from '../../../src/sim/xds-types.js';
import { endpoint, groups } from './helpers.js';

const p = (v: string): IstioProfile => {
  const profile = istioProfile(v);
  if (profile === undefined) throw new Error(v);
  return profile;
};
const prios = (gs: ReadonlyArray<{ priority: number }>) => gs.map((g) => g.priority);

describe('duplicate gateway entries (istio pilot/pkg/xds/endpoints/ep_filters.go EndpointsByNetworkFilter)', () => {
  it('emits one gateway entry per remote locality group, all with the same IP:15443 — istio#56355', () => {
    const gateways: NetworkGateway[] = [{ id: 'c2/gw', address: '192.0.2.1', port: 15443, network: 'network2', cluster: 'c2' }];
    const proxy: ProxyView = { id: 'sleep', cluster: 'cluster1', network: 'network1', locality: parseLocality('r1/z1'), labels: {} };
    const remote = (id: string, zone: string) => endpoint(id, { network: 'network2', cluster: 'c2', locality: parseLocality(`r2/${zone}`) });
    const cla = buildClusterLoadAssignment({
      proxy,
      endpoints: [endpoint('v1', { locality: parseLocality('r1/z1') }), remote('v2', 'za'), remote('v3a', 'zb'), remote('v3b', 'zb'), remote('v3c', 'zb')],
      gateways,
      profile: p('1.30'),
    });
    expect(cla.groups.map((g) => g.endpoints.map((e) => `${e.address}:${e.port}/${e.weight}`))).toEqual([['v1:5000/1'], ['192.0.2.1:15443/1'], ['192.0.2.1:15443/3']]);
  });
});

describe('failover next to failoverPriority (istio loadbalancer.go ApplyLocalityLBSetting at tags 1.11.0, 1.18.0, 1.20.0)', () => {
  // Client in r1; endpoints in r1 (its cluster c), r2 and r3 (cluster x); failover r1 → r3.
  const gs = groups('r1/z1', 'r2/z1', 'r3/z1').map((g, i) => (i === 0 ? g : { ...g, labels: [{ ...g.labels[0], [LABEL_CLUSTER]: 'x' }] }));
  const proxy = { locality: parseLocality('r1/z1'), labels: { [LABEL_CLUSTER]: 'c' } };
  const setting = { failoverPriority: [LABEL_CLUSTER], failover: [{ from: 'r1', to: 'r3' }] };
  it('1.12–1.19: `applyPriorityFailover(...); return` — failover is ignored, r2 and r3 share a priority', () => {
    expect(prios(applyLocalityLoadBalancer(gs, proxy, setting, true, p('1.18')))).toEqual([0, 1, 1]);
    expect(prios(applyLocalityLoadBalancer(gs, proxy, setting, true, p('1.19')))).toEqual([0, 1, 1]);
  });
  it('from 1.20 failover is applied after failoverPriority: r3 before r2', () => {
    expect(prios(applyLocalityLoadBalancer(gs, proxy, setting, true, p('1.20')))).toEqual([0, 2, 1]);
  });
  it('before 1.12 failoverPriority does not exist (the 1.11 CRD schema prunes it): only failover applies', () => {
    const r = resolveLocalityLbSetting({ mesh: undefined, dr: setting, profile: p('1.11') });
    expect(r.setting).toEqual({ failover: [{ from: 'r1', to: 'r3' }] });
    expect(prios(applyLocalityLoadBalancer(gs, proxy, setting, true, p('1.11')))).toEqual([0, 2, 1]);
    const onlyPriority = { failoverPriority: [LABEL_CLUSTER] };
    expect(prios(applyLocalityLoadBalancer(gs, proxy, onlyPriority, true, p('1.11')))).toEqual([0, 1, 1]);
    expect(buildClusterConfig({ outlierDetection: {}, loadBalancer: { localityLbSetting: onlyPriority } }, p('1.11')).localityWeighted).toBe(false);
    expect(buildClusterConfig({ outlierDetection: {}, loadBalancer: { localityLbSetting: onlyPriority } }, p('1.12')).localityWeighted).toBe(true);
  });
});

describe('strict max-ejection-percent (envoy changelogs/1.28.0.yaml check_mep_on_first_eject; istio istio.deps per tag)', () => {
  it('from Istio 1.20 (Envoy 1.28); 1.19 keeps the old rule (its pinned Envoy could not be checked)', () => {
    expect(p('1.19').strictMaxEjectionPercent).toBe(false);
    expect(p('1.20').strictMaxEjectionPercent).toBe(true);
  });
});

describe('not-ready endpoints (istio endpoint_builder.go supportsUnhealthyEndpoints, commit a7c9ae034fb, 1.31)', () => {
  const proxy: ProxyView = { id: 'sleep', cluster: 'cluster1', network: 'network1', locality: parseLocality('r1/z1/s1'), labels: {} };
  const eps = [endpoint('ready'), endpoint('starting', { healthy: false })];
  const listed = (v: string, tp?: Parameters<typeof buildClusterLoadAssignment>[0]['trafficPolicy']) =>
    buildClusterLoadAssignment({ proxy, endpoints: eps, gateways: [], profile: p(v), ...(tp ? { trafficPolicy: tp } : {}) }).groups.flatMap((g) =>
      g.endpoints.map((e) => `${e.id}${e.unhealthy === true ? ' UNHEALTHY' : ''}`),
    );
  it('1.31 sends them as UNHEALTHY; 1.30 drops them (filterIstioEndpoint)', () => {
    expect(listed('1.31')).toEqual(['ready', 'starting UNHEALTHY']);
    expect(listed('1.31', { outlierDetection: {} })).toEqual(['ready', 'starting UNHEALTHY']);
    expect(listed('1.30')).toEqual(['ready']);
  });
  it('unless the DestinationRule sets outlierDetection.minHealthPercent > 0', () => {
    expect(listed('1.31', { outlierDetection: { minHealthPercent: 25 } })).toEqual(['ready']);
    expect(sendsUnhealthyEndpoints({ outlierDetection: { minHealthPercent: 25 } }, true, p('1.31'))).toBe(true);
  });
  it('panic threshold 0 without outlier detection from 1.31 (cluster_traffic_policy.go applyLoadBalancer); 50 before', () => {
    expect(buildClusterConfig(undefined, p('1.31')).healthyPanicThresholdPct).toBe(0);
    expect(buildClusterConfig(undefined, p('1.30')).healthyPanicThresholdPct).toBe(50);
    expect(buildClusterConfig({ outlierDetection: { minHealthPercent: 30 } }, p('1.31')).healthyPanicThresholdPct).toBe(30);
  });
});

describe('Service trafficDistribution (istio loadbalancer.go GetLocalityLbSetting/GetEffectiveLbSetting, model/service.go GetTrafficDistribution)', () => {
  it('is ignored by sidecars up to 1.24', () => {
    expect(trafficDistributionSetting('PreferClose', p('1.24'))).toBeUndefined();
  });
  it('1.25–1.26: PreferClose → network, region, zone, subzone; other values unknown', () => {
    expect(trafficDistributionSetting('PreferClose', p('1.25'))?.failoverPriority).toEqual([
      'topology.istio.io/network',
      'topology.kubernetes.io/region',
      'topology.kubernetes.io/zone',
      'topology.istio.io/subzone',
    ]);
    expect(trafficDistributionSetting('PreferSameNode', p('1.26'))).toBeUndefined();
  });
  it('from 1.27: PreferClose = PreferSameZone → network, region, zone; PreferSameNode adds subzone and hostname', () => {
    expect(trafficDistributionSetting('PreferClose', p('1.27'))?.failoverPriority).toEqual(['topology.istio.io/network', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone']);
    expect(trafficDistributionSetting('PreferSameZone', p('1.31'))).toEqual(trafficDistributionSetting('PreferClose', p('1.31')));
    expect(trafficDistributionSetting('PreferSameNode', p('1.31'))?.failoverPriority?.slice(3)).toEqual(['topology.istio.io/subzone', 'kubernetes.io/hostname']);
  });
  it('turns on failover without outlier detection (Force), a DestinationRule setting still wins', () => {
    expect(resolveLocalityLbSetting({ mesh: undefined, dr: undefined, trafficDistribution: 'PreferClose', profile: p('1.28') }).force).toBe(true);
    expect(resolveLocalityLbSetting({ mesh: undefined, dr: { enabled: true }, trafficDistribution: 'PreferClose', profile: p('1.28') })).toEqual({ setting: { enabled: true }, force: false });
    const proxy: ProxyView = { id: 'sleep', cluster: 'cluster1', network: 'network1', locality: parseLocality('r1/z1'), labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1', 'topology.istio.io/network': 'network1' } };
    const eps = [endpoint('near', { locality: parseLocality('r1/z1') }), endpoint('far', { locality: parseLocality('r2/z1') }), endpoint('starting', { locality: parseLocality('r1/z1'), healthy: false })];
    const cla = (v: string) => buildClusterLoadAssignment({ proxy, endpoints: eps, gateways: [], profile: p(v), trafficDistribution: 'PreferClose' });
    expect(cla('1.28').groups.map((g) => `${g.endpoints.map((e) => e.id).join('+')}@P${g.priority}`)).toEqual(['near+starting@P0', 'far@P1']);
    expect(cla('1.24').groups.map((g) => g.priority)).toEqual([0, 0]);
    // ForcesSupportUnhealthyEndpoints: not-ready endpoints are sent and the panic threshold is 0.
    expect(cla('1.28').groups[0]?.endpoints[1]?.unhealthy).toBe(true);
    expect(buildClusterConfig(undefined, p('1.28'), undefined, 'PreferClose').healthyPanicThresholdPct).toBe(0);
    expect(buildClusterConfig({ outlierDetection: { minHealthPercent: 40 } }, p('1.28'), undefined, 'PreferClose').healthyPanicThresholdPct).toBe(0);
  });
});
