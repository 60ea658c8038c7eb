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

/** Filtered groups kept before the cache starts afresh: a few endpoint snapshots of a 50-cluster mesh. */
const KEEP = 4096;

/** One filtered group and what it was filtered from. */
interface Entry {
  view: string;
  endpoints: readonly IstioEndpoint[];
  out: WorkingGroup;
}

/** What one gateway set's filters share. */
interface GatewaySetEntry {
  index: GatewayIndex;
  /** Filtered groups by hash of their endpoints and view. */
  groups: Map<number, Entry[]>;
  /**
   * Filtered groups by endpoint list object, then by view: a proxy on a network the list has not
   * met yet finds the group every outside network shares (`*`) without hashing the list (50
   * clients' first builds: 50 × 49 remote groups).
   */
  byList: WeakMap<readonly IstioEndpoint[], Map<string, WorkingGroup>>;
  /**
   * The last build per proxy network: its groups and their output. An istiod keeps a locality
   * group's object until one of its pods changes, and a push usually follows one change, so the
   * next build of that network finds nearly every group here by a comparison in order, without a
   * lookup per group (50 groups per build, a build per client per push).
   */
  lastByNetwork: Map<string, { raw: readonly RawGroup[]; out: readonly WorkingGroup[] }>;
}

export class NetworkViewCache {
  private readonly byGateways = new WeakMap<readonly NetworkGateway[], GatewaySetEntry>();
  private size = 0;

  /** endpointsByNetworkFilter(raw, proxy, indexGateways(gateways)), each group filtered once per view. */
  filter(raw: readonly RawGroup[], proxy: ProxyView, gateways: readonly NetworkGateway[]): WorkingGroup[] {
    let entry = this.byGateways.get(gateways);
    if (entry === undefined) {
      entry = { index: indexGateways(gateways), groups: new Map(), byList: new WeakMap(), lastByNetwork: new Map() };
      this.byGateways.set(gateways, entry);
    }
    const { index, groups, byList } = entry;
    const last = entry.lastByNetwork.get(proxy.network);
    let from = 0;
    const out = raw.map((g) => {
      if (last !== undefined) {
        // Groups come in label order: walk the last build alongside this one.
        for (let j = from; j < last.raw.length; j++) {
          if (last.raw[j] !== g) continue;
          from = j + 1;
          return last.out[j]!;
        }
      }
      // The same endpoint list object (an istiod keeps a group's list until one of its pods
      // changes) needs no hash: its output per view is remembered with it.
      let byView = byList.get(g.endpoints);
      if (byView === undefined) {
        byView = new Map();
        byList.set(g.endpoints, byView);
      }
      const view = viewOf(g, proxy.network);
      let filtered = byView.get(view);
      if (filtered === undefined) {
        filtered = this.filterGroup(g, view, proxy, index, groups);
        byView.set(view, filtered);
      }
      return filtered;
    });
    entry.lastByNetwork.set(proxy.network, { raw, out });
    return out;
  }

  /** The hash-keyed path: the same endpoints in another list object (another istiod's group) hit here. */
  private filterGroup(g: RawGroup, view: string, proxy: ProxyView, index: GatewayIndex, groups: Map<number, Entry[]>): WorkingGroup {
    const hash = hashOf(g.endpoints, view);
    const bucket = groups.get(hash);
    const found = bucket?.find((e) => e.view === view && sameList(e.endpoints, g.endpoints));
    if (found !== undefined) return found.out;
    const out = endpointsByNetworkFilter([g], proxy, index)[0] as WorkingGroup;
    if (this.size >= KEEP) {
      // Bounded memory: start afresh (the next pushes refill it with what is current).
      groups.clear();
      this.size = 0;
    }
    const list = groups.get(hash);
    if (list === undefined) groups.set(hash, [{ view, endpoints: g.endpoints, out }]);
    else list.push({ view, endpoints: g.endpoints, out });
    this.size++;
    return out;
  }
}

/**
 * How the proxy's network relates to the group: none (''), the network of some of its endpoints
 * (`=network`, those are direct), or another network (`*`, the same for every such proxy).
 */
function viewOf(g: RawGroup, network: string): string {
  if (network === '') return '';
  for (const e of g.endpoints) if (e.network === network) return `=${network}`;
  return '*';
}

/**
 * A hash of the group's endpoint objects in order (an endpoint object is never changed once built,
 * so the same object is the same input) and its view; a hit is confirmed object by object.
 */
function hashOf(endpoints: readonly IstioEndpoint[], view: string): number {
  let h = 0x811c9dc5 ^ view.length ^ (view.length > 0 ? view.charCodeAt(view.length - 1) << 8 : 0);
  for (const e of endpoints) h = Math.imul(h ^ serialOf(e), 0x01000193);
  return h >>> 0;
}

function sameList(a: readonly IstioEndpoint[], b: readonly IstioEndpoint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
