/**
 * Which endpoints an east-west gateway forwards a new connection to. The gateway's view is its own
 * network (ISTIO_META_REQUESTED_NETWORK_VIEW, set by samples/multicluster/gen-eastwest-gateway.sh):
 * the ready endpoints of every cluster on that network its istiod watches, so in a network of two
 * clusters one gateway reaches both. A DestinationRule for the host applies to the gateway's
 * SNI-DNAT clusters as to any proxy's (istio's multicluster integration tests apply an
 * `eastwest-opt-out` rule because "otherwise, the eastwest gateway will be impacted"), and istiod
 * builds the gateway's EDS with the gateway's own locality (endpoint_builder.go
 * BuildClusterLoadAssignment: ApplyLocalityLoadBalancer with the proxy's locality). With outlier
 * detection the gateway therefore sends to its most preferred priority, which takes all the load
 * while its hosts are ready. Ejection at the gateway is not modelled.
 */
import type { Locality } from '../../model/locality.js';
import type { DestinationRule } from '../../model/destination-rule.js';
import type { IstioProfile } from '../istio-profile.js';
import type { IstioEndpoint } from '../xds-types.js';
import { buildClusterLoadAssignment } from './endpoint-builder.js';
import { augmentLabels } from './labels.js';
import type { TrafficDistribution } from './locality-lb.js';

export interface GatewayViewInput {
  gateway: { id: string; cluster: string; network: string; locality: Locality };
  /** Ready endpoints of the service, in discovery order (any network: others are left out). */
  endpoints: readonly IstioEndpoint[];
  trafficPolicy: DestinationRule['trafficPolicy'] | undefined;
  profile: IstioProfile;
  trafficDistribution?: TrafficDistribution | undefined;
}

/** The endpoints (in input order) the gateway's own load balancer picks from for a new connection. */
export function gatewayForwardSet(input: GatewayViewInput): IstioEndpoint[] {
  const { gateway } = input;
  const own = input.endpoints.filter((e) => e.network === gateway.network);
  if (own.length === 0) return own;
  const assignment = buildClusterLoadAssignment({
    proxy: {
      id: gateway.id,
      cluster: gateway.cluster,
      network: gateway.network,
      locality: gateway.locality,
      labels: augmentLabels({}, { cluster: gateway.cluster, locality: gateway.locality, network: gateway.network }),
    },
    endpoints: own,
    gateways: [],
    trafficPolicy: input.trafficPolicy,
    profile: input.profile,
    ...(input.trafficDistribution === undefined ? {} : { trafficDistribution: input.trafficDistribution }),
  });
  const listed = assignment.groups.filter((g) => g.endpoints.length > 0);
  if (listed.length === 0) return [];
  const top = Math.min(...listed.map((g) => g.priority));
  const preferred = new Set(listed.filter((g) => g.priority === top).flatMap((g) => g.endpoints.map((e) => e.id)));
  return own.filter((e) => preferred.has(e.id));
}
