/**
 * The shared network-filter cache (src/sim/istiod/network-view-cache.ts): a build through it is the
 * build without it, for every proxy network relation (none, the group's own network, another one),
 * ready and not-ready endpoints, and a changed endpoint list; and proxies on other networks get the
 * very same filtered group (istiod's EDS cache keys on what makes the output differ,
 * endpoint_builder.go EndpointBuilder.Key).
 */
import { describe, expect, it } from 'vitest';
import { parseLocality } from '../../../src/model/locality.js';
import { buildClusterLoadAssignment } from '../../../src/sim/istiod/endpoint-builder.js';
import { endpointsByNetworkFilter, indexGateways, type RawGroup } from '../../../src/sim/istiod/network-filter.js';
import { NetworkViewCache } from '../../../src/sim/istiod/network-view-cache.js';
import { istioProfile } from '../../../src/sim/istio-profile.js';
import type { IstioEndpoint, NetworkGateway, ProxyView } from '../../../src/sim/xds-types.js';
import { endpoint } from './helpers.js';

const profile = istioProfile('1.31')!;
const trafficPolicy = { outlierDetection: { consecutive5xxErrors: 1 } };

/** Three clusters, each its own network and zone, each with an east-west gateway and two pods. */
function mesh(): { endpoints: IstioEndpoint[]; gateways: NetworkGateway[]; proxies: ProxyView[] } {
  const endpoints: IstioEndpoint[] = [];
  const gateways: NetworkGateway[] = [];
  const proxies: ProxyView[] = [];
  for (let c = 1; c <= 3; c++) {
    const locality = parseLocality(`r1/z${c}`);
    for (let p = 1; p <= 2; p++) {
      endpoints.push(endpoint(`c${c}-p${p}`, { address: `10.${c}.0.${p}`, cluster: `cluster${c}`, network: `network${c}`, locality, healthy: !(c === 2 && p === 2) }));
    }
    gateways.push({ id: `cluster${c}/gw`, address: `192.0.2.${c}`, port: 15443, network: `network${c}`, cluster: `cluster${c}` });
    proxies.push({ id: `sleep-${c}`, cluster: `cluster${c}`, network: `network${c}`, locality, labels: {} });
  }
  proxies.push({ id: 'no-network', cluster: 'cluster1', network: '', locality: parseLocality('r1/z1'), labels: {} });
  return { endpoints, gateways, proxies };
}

describe('network view cache', () => {
  it('builds what the uncached builder builds, for every proxy, before and after the endpoints change', () => {
    const { endpoints, gateways, proxies } = mesh();
    const cache = new NetworkViewCache();
    const lists = [endpoints, endpoints.filter((e) => e.id !== 'c3-p1'), endpoints];
    for (const list of lists) {
      for (const proxy of proxies) {
        const plain = buildClusterLoadAssignment({ proxy, endpoints: list, gateways, trafficPolicy, profile });
        const cached = buildClusterLoadAssignment({ proxy, endpoints: list, gateways, trafficPolicy, profile, networkViews: cache });
        expect(cached).toEqual(plain);
      }
    }
  });

  it('gives proxies on other networks the same filtered group, and the group’s own network its direct view', () => {
    const { endpoints, gateways, proxies } = mesh();
    const cache = new NetworkViewCache();
    const [p1, p2, p3] = proxies as [ProxyView, ProxyView, ProxyView];
    const groupOf = (proxy: ProxyView) => {
      const cla = buildClusterLoadAssignment({ proxy, endpoints, gateways, profile, networkViews: cache });
      return cla.groups.find((g) => g.locality.zone === 'z3')!;
    };
    const seenFrom1 = groupOf(p1);
    const seenFrom2 = groupOf(p2);
    const seenFrom3 = groupOf(p3);
    // Without outlier detection there is no failover: every group is P0, and the group objects
    // (cloned by the locality step) share the cached endpoint lists.
    expect(seenFrom1.endpoints).toBe(seenFrom2.endpoints);
    expect(seenFrom1.endpoints.map((e) => e.kind)).toEqual(['gateway']);
    expect(seenFrom3.endpoints).not.toBe(seenFrom1.endpoints);
    expect(seenFrom3.endpoints.map((e) => e.kind)).toEqual(['direct', 'direct']);
  });

  it('does not reuse a group whose endpoints changed readiness (a new endpoint object)', () => {
    const { endpoints, gateways, proxies } = mesh();
    const cache = new NetworkViewCache();
    const proxy = proxies[2] as ProxyView;
    const before = buildClusterLoadAssignment({ proxy, endpoints, gateways, profile, networkViews: cache });
    const notReady = endpoints.map((e) => (e.id === 'c3-p1' ? { ...e, healthy: false } : e));
    const after = buildClusterLoadAssignment({ proxy, endpoints: notReady, gateways, profile, networkViews: cache });
    expect(after).toEqual(buildClusterLoadAssignment({ proxy, endpoints: notReady, gateways, profile }));
    expect(after).not.toEqual(before);
  });
});

describe('network view cache: the last build of a network, walked in order', () => {
  it('filters as the uncached filter does when groups are kept, replaced, dropped, reordered, and builds alternate', () => {
    const { endpoints, gateways, proxies } = mesh();
    const cache = new NetworkViewCache();
    const group = (zone: string, list: readonly IstioEndpoint[]): RawGroup => ({ locality: parseLocality(`r1/${zone}`), endpoints: list.filter((e) => e.locality.zone === zone) });
    const [g1, g2, g3] = ['z1', 'z2', 'z3'].map((z) => group(z, endpoints)) as [RawGroup, RawGroup, RawGroup];
    const g2b = group('z2', endpoints.filter((e) => e.id !== 'c2-p1'));
    // Two istiods on one network would alternate their own group objects: [g1, g2, g3] and [g1, g2b, g3].
    const builds: RawGroup[][] = [[g1, g2, g3], [g1, g2b, g3], [g1, g2, g3], [g1, g3], [g3, g1], [g2b, g1, g2, g3], [g1, g2, g3]];
    const index = indexGateways(gateways);
    for (const [b, raw] of builds.entries()) {
      for (const proxy of proxies) {
        expect(cache.filter(raw, proxy, gateways), `build ${b} ${proxy.id}`).toEqual(endpointsByNetworkFilter(raw, proxy, index));
      }
    }
  });
});
