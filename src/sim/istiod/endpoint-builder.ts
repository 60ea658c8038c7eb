/**
 * istiod's per-proxy EDS build for one service: group endpoints by locality, apply split-horizon,
 * then apply the locality LB setting relative to this proxy.
 */
import type { LocalityLbSetting, TrafficPolicy } from '../../model/destination-rule.js';
import { formatLocality, type Locality } from '../../model/locality.js';
import type { IstioProfile } from '../istio-profile.js';
import type { ClusterLoadAssignment, IstioEndpoint, NetworkGateway, ProxyView } from '../xds-types.js';
import { applyLocalityLoadBalancer, resolveLocalityLbSetting, type TrafficDistribution } from './locality-lb.js';
import { endpointsByNetworkFilter, indexGateways, type RawGroup } from './network-filter.js';
import type { NetworkViewCache } from './network-view-cache.js';
import { toLocalityLbEndpoints } from './working-group.js';

/** Everything one EDS build needs. */
export interface ClusterLoadAssignmentInput {
  proxy: ProxyView;
  /**
   * The service's endpoints istiod lists (ready, not terminating), in discovery order; or already
   * grouped, as `groupByLocality` would group them (a caller that keeps the groups between pushes).
   */
  endpoints: readonly IstioEndpoint[] | GroupedEndpoints;
  /** Known east-west gateways of the mesh (empty: single network, no split horizon). */
  gateways: readonly NetworkGateway[];
  /** The DestinationRule's top-level traffic policy for the service, if any. */
  trafficPolicy?: TrafficPolicy;
  /** MeshConfig localityLbSetting; absent = the profile's default (`{enabled: true}` since 1.6). */
  meshLocalityLbSetting?: LocalityLbSetting;
  profile: IstioProfile;
  /** The Service's `spec.trafficDistribution`, if set. */
  trafficDistribution?: TrafficDistribution;
  /** Shares each locality group's network-filtered endpoints between builds that see it alike (network-view-cache.ts). */
  networkViews?: NetworkViewCache | undefined;
}

/** Endpoints grouped by locality label: `groupByLocality`'s output for the endpoints in discovery order. */
export interface GroupedEndpoints {
  grouped: readonly RawGroup[];
}

/**
 * Whether not-ready endpoints go to Envoy (as UNHEALTHY): when trafficDistribution is in force
 * (ForcesSupportUnhealthyEndpoints), or from 1.31 (PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS) unless the
 * DR's outlierDetection sets minHealthPercent > 0.
 * Mirrors istio endpoint_builder.go supportsUnhealthyEndpoints, model/service.go SupportsUnhealthyEndpoints.
 */
export function sendsUnhealthyEndpoints(trafficPolicy: TrafficPolicy | undefined, trafficDistributionForced: boolean, profile: IstioProfile): boolean {
  if (trafficDistributionForced) return true;
  if (!profile.autoSendUnhealthyEndpoints) return false;
  return (trafficPolicy?.outlierDetection?.minHealthPercent ?? 0) <= 0;
}

/**
 * Group endpoints by their locality label, groups sorted by that label (Go sort.Strings).
 * Mirrors istio pilot/pkg/xds/endpoints/endpoint_builder.go generate (grouping part).
 */
export function groupByLocality(endpoints: readonly IstioEndpoint[]): RawGroup[] {
  const byLabel = new Map<string, IstioEndpoint[]>();
  for (const ep of endpoints) {
    const label = localityLabelOf(ep.locality);
    const list = byLabel.get(label);
    if (list) list.push(ep);
    else byLabel.set(label, [ep]);
  }
  return [...byLabel.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((label) => {
      const eps = byLabel.get(label) as IstioEndpoint[];
      return { locality: (eps[0] as IstioEndpoint).locality, endpoints: eps };
    });
}

/**
 * An endpoint's locality label, formatted once per locality object: every build of every proxy
 * groups the same endpoints (the simulator never edits a locality in place).
 */
const labelOf = new WeakMap<Locality, string>();
export function localityLabelOf(l: Locality): string {
  let label = labelOf.get(l);
  if (label === undefined) {
    label = formatLocality(l);
    labelOf.set(l, label);
  }
  return label;
}

/**
 * The ClusterLoadAssignment istiod pushes to `proxy` for the service: locality groups (sorted by
 * locality label), split-horizon network filter, then priorities/weights from the effective
 * locality setting. Failover is enabled when the DestinationRule has `outlierDetection` (the EDS
 * path looks at the DR alone) or a trafficDistribution setting forces it. Not-ready endpoints are
 * kept, marked unhealthy, when the service sends them (sendsUnhealthyEndpoints).
 * Mirrors istio endpoint_builder.go BuildClusterLoadAssignment / generate /
 * getOutlierDetectionAndLoadBalancerSettings.
 */
export function buildClusterLoadAssignment(input: ClusterLoadAssignmentInput): ClusterLoadAssignment {
  const { setting, force } = resolveLocalityLbSetting({
    mesh: input.meshLocalityLbSetting,
    dr: input.trafficPolicy?.loadBalancer?.localityLbSetting,
    trafficDistribution: input.trafficDistribution,
    profile: input.profile,
  });
  // filterIstioEndpoint: UnHealthy (not ready) endpoints only when the service sends them.
  const keepUnhealthy = sendsUnhealthyEndpoints(input.trafficPolicy, force, input.profile);
  const raw = listedGroups(input.endpoints, keepUnhealthy);
  if (raw.length === 0) return { groups: [] };
  const filtered =
    input.networkViews === undefined
      ? endpointsByNetworkFilter(raw, input.proxy, indexGateways(input.gateways))
      : input.networkViews.filter(raw, input.proxy, input.gateways);
  const enableFailover = force || input.trafficPolicy?.outlierDetection !== undefined;
  const groups = applyLocalityLoadBalancer(filtered, input.proxy, setting, enableFailover, input.profile);
  return { groups: groups.map(toLocalityLbEndpoints) };
}

/** The listed endpoints grouped by locality: not-ready ones left out unless the service sends them. */
function listedGroups(endpoints: readonly IstioEndpoint[] | GroupedEndpoints, keepUnhealthy: boolean): readonly RawGroup[] {
  const isListed = (e: IstioEndpoint): boolean => e.healthy !== false;
  if (!('grouped' in endpoints)) return groupByLocality(keepUnhealthy ? endpoints : endpoints.filter(isListed));
  if (keepUnhealthy) return endpoints.grouped;
  // Filtering each group is filtering before grouping: a group left empty disappears, and a group
  // takes the locality of its first listed endpoint.
  const out: RawGroup[] = [];
  for (const g of endpoints.grouped) {
    const listed = g.endpoints.filter(isListed);
    if (listed.length === g.endpoints.length) out.push(g);
    else if (listed.length > 0) out.push({ locality: (listed[0] as IstioEndpoint).locality, endpoints: listed });
  }
  return out;
}
