import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { buildClusterLoadAssignment, groupByLocality } from '../../../src/sim/istiod/endpoint-builder.js';
import { NetworkViewCache } from '../../../src/sim/istiod/network-view-cache.js';
import { endpointsByNetworkFilter, indexGateways } from '../../../src/sim/istiod/network-filter.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import type { NetworkGateway, ProxyView } from '../../../src/sim/xds-types.js';
import { endpoint } from './helpers.js';

const profile = istioProfile('1.24')!;
const gw = (address: string, network: string, cluster: string): NetworkGateway => ({ id: `${cluster}/gw-${address}`, address, port: 15443, network, cluster });
const proxy: ProxyView = { id: 'sleep', cluster: 'cluster1', network: 'network1', locality: parseLocality('r1/z1/s1'), labels: {} };
const loc = parseLocality('r1/z1/s1');

describe('split-horizon network filter (ep_filters.go)', () => {
  const gateways = [gw('192.0.2.2', 'network2', 'c2'), gw('192.0.2.1', 'network2', 'c2'), gw('198.51.100.1', 'network3', 'c3')];
  it('scale factor is the LCM of gateway counts per network and per network+cluster', () => {
    expect(indexGateways(gateways).scaleFactor).toBe(2);
    expect(indexGateways([...gateways, gw('203.0.113.1', 'network3', 'c3'), gw('203.0.113.2', 'network3', 'c3')]).scaleFactor).toBe(6);
    expect(indexGateways([]).multiNetwork).toBe(false);
  });
  it('keeps local and gateway-less endpoints direct and folds remote ones into their gateways', () => {
    const eps = [
      endpoint('10.1.0.1'),
      endpoint('10.1.0.2'),
      ...['10.2.0.1', '10.2.0.2', '10.2.0.3'].map((id) => endpoint(id, { network: 'network2', cluster: 'c2' })),
      endpoint('10.3.0.1', { network: 'network3', cluster: 'c3' }),
      endpoint('10.4.0.1', { network: 'network4', cluster: 'c4' }),
      endpoint('10.2.0.9', { network: 'network2', cluster: 'c2', mtls: false }),
    ];
    const [group] = endpointsByNetworkFilter([{ locality: loc, endpoints: eps }], proxy, indexGateways(gateways));
    const weights = Object.fromEntries(group!.endpoints.map((e) => [e.address, e.weight]));
    // Remote weight 1*2 split over the 2 gateways of network2: 1 each per pod -> 3 each.
    expect(weights).toEqual({ '10.1.0.1': 2, '10.1.0.2': 2, '10.4.0.1': 2, '192.0.2.1': 3, '192.0.2.2': 3, '198.51.100.1': 2 });
    expect(group!.weight).toBe(14);
    const gws = group!.endpoints.filter((e) => e.kind === 'gateway');
    expect(gws.map((e) => e.address)).toEqual(['192.0.2.1', '192.0.2.2', '198.51.100.1']); // sorted by address
    expect(gws[0]!.backends).toEqual(['10.2.0.1', '10.2.0.2', '10.2.0.3']); // the plaintext pod is dropped
  });
  it('prefers the gateways of the endpoint cluster, else any of its network', () => {
    const gs = [gw('1.1.1.1', 'network2', 'c2a'), gw('1.1.1.2', 'network2', 'c2b'), gw('1.1.1.3', 'network2', 'c2b')];
    const eps = [endpoint('a', { network: 'network2', cluster: 'c2a' }), endpoint('b', { network: 'network2', cluster: 'c2x' })];
    const [group] = endpointsByNetworkFilter([{ locality: loc, endpoints: eps }], proxy, indexGateways(gs));
    // scale 6: a -> 1.1.1.1 gets 6; b (no gateway in c2x) -> split over all 3: 2 each.
    expect(Object.fromEntries(group!.endpoints.map((e) => [e.address, e.weight]))).toEqual({ '1.1.1.1': 8, '1.1.1.2': 2, '1.1.1.3': 2 });
  });
  it('a proxy without a network still goes through gateways (forceGateway)', () => {
    const [group] = endpointsByNetworkFilter([{ locality: loc, endpoints: [endpoint('a', { network: 'network2', cluster: 'c2' })] }], { ...proxy, network: '' }, indexGateways([gw('1.1.1.1', 'network2', 'c2')]));
    expect(group!.endpoints.map((e) => e.kind)).toEqual(['gateway']);
  });
});

describe('buildClusterLoadAssignment', () => {
  const eps = [endpoint('b', { locality: parseLocality('r2/z1/s1') }), endpoint('a'), endpoint('c', { locality: parseLocality('r1/z2/') })];
  it('groups by locality label in sorted order, all P0 without outlier detection', () => {
    const cla = buildClusterLoadAssignment({ proxy, endpoints: eps, gateways: [], profile });
    expect(cla.groups.map((g) => [g.endpoints[0]!.id, g.priority, g.weight])).toEqual([
      ['a', 0, 1],
      ['c', 0, 1],
      ['b', 0, 1],
    ]);
  });
  it('assigns priorities relative to the proxy with outlier detection', () => {
    const cla = buildClusterLoadAssignment({ proxy, endpoints: eps, gateways: [], profile, trafficPolicy: { outlierDetection: {} } });
    expect(cla.groups.map((g) => [g.endpoints[0]!.id, g.priority])).toEqual([
      ['a', 0],
      ['c', 1],
      ['b', 2],
    ]);
  });
  it('a disabled mesh setting and no DR setting means no priorities', () => {
    const cla = buildClusterLoadAssignment({ proxy, endpoints: eps, gateways: [], profile, trafficPolicy: { outlierDetection: {} }, meshLocalityLbSetting: { enabled: false } });
    expect(cla.groups.map((g) => g.priority)).toEqual([0, 0, 0]);
  });
  it('returns no groups without endpoints', () => {
    expect(buildClusterLoadAssignment({ proxy, endpoints: [], gateways: [], profile }).groups).toEqual([]);
  });
  it('builds the same assignment from endpoints grouped ahead (istiod keeps its groups between pushes)', () => {
    const gateways = [gw('192.0.2.1', 'network2', 'c2')];
    const eps = [
      endpoint('10.1.0.1'),
      endpoint('10.1.0.2', { healthy: false }),
      endpoint('10.1.0.3', { locality: parseLocality('r1/z2/s1') }),
      endpoint('10.2.0.1', { network: 'network2', cluster: 'c2', locality: parseLocality('r2/z1/s1'), healthy: false }),
      endpoint('10.2.0.2', { network: 'network2', cluster: 'c2', locality: parseLocality('r2/z1/s1') }),
      endpoint('10.2.0.3', { network: 'network2', cluster: 'c2', locality: parseLocality('r2/z2/s1'), healthy: false }),
    ];
    const grouped = { grouped: groupByLocality(eps) };
    const outlier = { outlierDetection: { consecutive5xxErrors: 1 } };
    // 1.24 drops not-ready endpoints (a group of them only disappears), 1.31 sends them as UNHEALTHY.
    for (const p of [istioProfile('1.24')!, istioProfile('1.31')!]) {
      for (const trafficPolicy of [undefined, outlier]) {
        const cache = new NetworkViewCache();
        const plain = buildClusterLoadAssignment({ proxy, endpoints: eps, gateways, profile: p, trafficPolicy });
        // Twice through one cache: the second build hits the groups the first one filtered.
        for (let i = 0; i < 2; i++) expect(buildClusterLoadAssignment({ proxy, endpoints: grouped, gateways, profile: p, trafficPolicy, networkViews: cache })).toEqual(plain);
      }
    }
  });
});
