/**
 * The split-horizon network filter's output per locality group, shared by every build that would
 * compute it alike. EndpointsByNetworkFilter (ep_filters.go) reads nothing of the proxy but its
 * network, and one locality group's output depends only on that group's endpoints (which ones, in
 * which order, which not-ready), the gateway set, and how the proxy's network relates to the
 * group: no network (every endpoint direct or forced through a gateway), the network of some of
 * the group's endpoints (those direct), or any other network (the same gateway entries for every
 * such proxy). So a proxy in cluster7 sees cluster3's locality group exactly as a proxy in
 * cluster9 does, and the filter runs once for both.
 *
 * istiod itself caches EDS output keyed by what makes it differ (pilot/pkg/xds/endpoints
 * endpoint_builder.go EndpointBuilder.Key: cluster, proxy network/locality/cluster ID, DR, ...;
 * pilot/pkg/model/xds_cache.go). Here one cache serves every cluster's istiod of one simulation
 * (and every client of one explain): with 50 clients, 50 istiods push the same endpoints and each
 * would refilter the same 1,000. The result is identical to filtering afresh; callers treat the
 * cached groups as read-only (applyLocalityLoadBalancer clones a group before changing it). The
 * per-proxy locality step that follows is not cached.
 */
import type { IstioEndpoint, NetworkGateway, ProxyView } from '../xds-types.js';
import { endpointsByNetworkFilter, indexGateways, type GatewayIndex, type RawGroup } from './network-filter.js';
import type { WorkingGroup } from './working-group.js';

/** Filtered groups kept (oldest dropped first): a few endpoint snapshots of a 50-cluster mesh. */
const KEEP = 4096;

export class NetworkViewCache {
  private readonly byGateways = new WeakMap<readonly NetworkGateway[], { index: GatewayIndex; groups: Map<string, WorkingGroup> }>();

  /** endpointsByNetworkFilter(raw, proxy, indexGateways(gateways)), each group filtered once per view. */
  filter(raw: readonly RawGroup[], proxy: ProxyView, gateways: readonly NetworkGateway[]): WorkingGroup[] {
    let entry = this.byGateways.get(gateways);
    if (entry === undefined) {
      entry = { index: indexGateways(gateways), groups: new Map() };
      this.byGateways.set(gateways, entry);
    }
    const { index, groups } = entry;
    return raw.map((g) => {
      const key = groupKey(g, proxy.network);
      let out = groups.get(key);
      if (out === undefined) {
        out = endpointsByNetworkFilter([g], proxy, index)[0] as WorkingGroup;
        groups.set(key, out);
        if (groups.size > KEEP) groups.delete(groups.keys().next().value as string);
      }
      return out;
    });
  }
}

/**
 * What the group's filtered output depends on: how the proxy's network relates to the group, and
 * the group's endpoint objects in order (an endpoint object is never changed once built, so the
 * same object is the same input).
 */
function groupKey(g: RawGroup, network: string): string {
  let key = network === '' ? '' : g.endpoints.some((e) => e.network === network) ? `=${network}` : '*';
  for (const e of g.endpoints) key += `,${serialOf(e)}`;
  return key;
}

const serials = new WeakMap<IstioEndpoint, number>();
let nextSerial = 0;
function serialOf(e: IstioEndpoint): number {
  let n = serials.get(e);
  if (n === undefined) {
    n = nextSerial++;
    serials.set(e, n);
  }
  return n;
}
