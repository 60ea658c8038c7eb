/**
 * The proxy-independent part of an EDS build, shared by every build that would compute it alike:
 * the listed endpoints grouped by locality and passed through the split-horizon network filter.
 * That output depends only on the endpoint list (which endpoints, in which order, which not-ready),
 * the gateway set and the proxy's network (ep_filters.go EndpointsByNetworkFilter reads nothing
 * else of the proxy); the locality step that follows is per proxy and is not cached.
 *
 * istiod itself caches EDS output keyed by what makes it differ (pilot/pkg/xds/endpoints
 * endpoint_builder.go EndpointBuilder.Key: cluster, proxy network/locality/cluster ID, DR, ...;
 * pilot/pkg/model/xds_cache.go). Here one cache serves every cluster's istiod of one simulation:
 * with 50 clients, 50 istiods push the same endpoint snapshot and each would otherwise regroup and
 * refilter the same 1,000 endpoints. The result is identical to building afresh; callers treat the
 * cached groups as read-only (applyLocalityLoadBalancer clones before it changes a group).
 */
import type { IstioEndpoint, NetworkGateway } from '../xds-types.js';
import type { WorkingGroup } from './working-group.js';

/** Snapshots kept: the istiods of a mesh push within one propagation window of each other. */
const KEEP = 16;

export class NetworkViewCache {
  private readonly byGateways = new WeakMap<readonly NetworkGateway[], Map<string, WorkingGroup[]>>();
  hits = 0;
  misses = 0;

  /** The groups for `listed` seen from `network`, built by `build` on a miss. */
  get(listed: readonly IstioEndpoint[], gateways: readonly NetworkGateway[], network: string, build: () => WorkingGroup[]): WorkingGroup[] {
    let views = this.byGateways.get(gateways);
    if (views === undefined) {
      views = new Map();
      this.byGateways.set(gateways, views);
    }
    const key = snapshotKey(listed, network);
    const found = views.get(key);
    if (found !== undefined) {
      this.hits++;
      return found;
    }
    this.misses++;
    const built = build();
    views.set(key, built);
    // Oldest first (Map keeps insertion order): drop what no istiod will push again.
    if (views.size > KEEP) views.delete(views.keys().next().value as string);
    return built;
  }
}

/**
 * Identifies an endpoint list by its endpoint objects, in order (an endpoint object is never
 * changed once built, so the same object is the same input), plus the viewing network.
 */
function snapshotKey(listed: readonly IstioEndpoint[], network: string): string {
  let key = network;
  for (const e of listed) key += `,${serialOf(e)}`;
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
