/**
 * istiod's per-proxy EDS build for one service: group endpoints by locality, apply split-horizon,
 * then apply the locality LB setting relative to this proxy.
 */
import type { LocalityLbSetting, TrafficPolicy } from '../../model/destination-rule.js';
import { formatLocality } from '../../model/locality.js';
import type { IstioProfile } from '../istio-profile.js';
import type { ClusterLoadAssignment, IstioEndpoint, NetworkGateway, ProxyView } from '../xds-types.js';
import { applyLocalityLoadBalancer, defaultMeshLocalityLbSetting, getEffectiveLbSetting } from './locality-lb.js';
import { endpointsByNetworkFilter, indexGateways, type RawGroup } from './network-filter.js';
import { toLocalityLbEndpoints } from './working-group.js';

/** Everything one EDS build needs. */
export interface ClusterLoadAssignmentInput {
  proxy: ProxyView;
  /** The service's endpoints istiod lists (ready, not terminating), in discovery order. */
  endpoints: readonly IstioEndpoint[];
  /** Known east-west gateways of the mesh (empty: single network, no split horizon). */
  gateways: readonly NetworkGateway[];
  /** The DestinationRule's top-level traffic policy for the service, if any. */
  trafficPolicy?: TrafficPolicy;
  /** MeshConfig localityLbSetting; absent = the profile's default (`{enabled: true}` since 1.6). */
  meshLocalityLbSetting?: LocalityLbSetting;
  profile: IstioProfile;
}

/**
 * Group endpoints by their locality label, groups sorted by that label (Go sort.Strings).
 * Mirrors istio pilot/pkg/xds/endpoints/endpoint_builder.go generate (grouping part).
 */
export function groupByLocality(endpoints: readonly IstioEndpoint[]): RawGroup[] {
  const byLabel = new Map<string, IstioEndpoint[]>();
  for (const ep of endpoints) {
    const label = formatLocality(ep.locality);
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
 * The ClusterLoadAssignment istiod pushes to `proxy` for the service: locality groups (sorted by
 * locality label), split-horizon network filter, then priorities/weights from the effective
 * locality setting. Failover is enabled only when the DestinationRule has `outlierDetection`
 * (the EDS path looks at the DR alone).
 * Mirrors istio endpoint_builder.go BuildClusterLoadAssignment / generate /
 * getOutlierDetectionAndLoadBalancerSettings.
 */
export function buildClusterLoadAssignment(input: ClusterLoadAssignmentInput): ClusterLoadAssignment {
  const raw = groupByLocality(input.endpoints);
  if (raw.length === 0) return { groups: [] };
  const filtered = endpointsByNetworkFilter(raw, input.proxy, indexGateways(input.gateways));
  const setting = getEffectiveLbSetting(
    input.meshLocalityLbSetting ?? defaultMeshLocalityLbSetting(input.profile),
    input.trafficPolicy?.loadBalancer?.localityLbSetting,
  );
  const enableFailover = input.trafficPolicy?.outlierDetection !== undefined;
  const groups = applyLocalityLoadBalancer(filtered, input.proxy, setting, enableFailover, input.profile);
  return { groups: groups.map(toLocalityLbEndpoints) };
}
