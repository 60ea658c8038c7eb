/**
 * Which pods an east-west gateway forwards a new connection to (src/sim/istiod/gateway-view.ts):
 * its network view (ISTIO_META_REQUESTED_NETWORK_VIEW), and the DestinationRule's locality
 * priorities computed at the gateway's own locality (istio endpoint_builder.go
 * BuildClusterLoadAssignment, ApplyLocalityLoadBalancer with the proxy's locality).
 */
import { describe, expect, it } from 'vitest';
import { loadDestinationRule, loadMesh } from '../../../src/fs/documents.js';
import { gatewayForwardSet } from '../../../src/sim/istiod/gateway-view.js';
import { istioProfile, type IstioProfile } from '../../../src/sim/istio-profile.js';
import { gatewaysOf, serviceEndpoints } from '../../../src/sim/topology.js';

const cwd = process.cwd();
const profile = istioProfile('1.31') as IstioProfile;

describe('gatewayForwardSet', async () => {
  const mesh = await loadMesh('scenarios/meshes/three-cluster-two-network.yaml', cwd);
  const dr = await loadDestinationRule('manifests/08-locality-lb.yaml', cwd);
  const endpoints = serviceEndpoints(mesh, 'helloworld', 'sample');
  const gateway = (cluster: string) => {
    const gw = gatewaysOf(mesh).find((g) => g.cluster === cluster)!;
    return { id: gw.id, cluster, network: gw.network, locality: mesh.clusters.find((c) => c.name === cluster)!.eastWestGateway!.locality };
  };
  const versions = (eps: ReadonlyArray<{ labels: Record<string, string> }>) => eps.map((e) => e.labels['version']);

  it('reaches every cluster of its own network, and no other network', () => {
    expect(versions(gatewayForwardSet({ gateway: gateway('cluster1'), endpoints, trafficPolicy: undefined, profile }))).toEqual(['v1', 'v2']);
    expect(versions(gatewayForwardSet({ gateway: gateway('cluster3'), endpoints, trafficPolicy: undefined, profile }))).toEqual(['v3']);
  });

  it('with outlier detection, keeps the priority most preferred from the gateway\'s own locality', () => {
    expect(versions(gatewayForwardSet({ gateway: gateway('cluster1'), endpoints, trafficPolicy: dr.trafficPolicy, profile }))).toEqual(['v1']);
    expect(versions(gatewayForwardSet({ gateway: gateway('cluster2'), endpoints, trafficPolicy: dr.trafficPolicy, profile }))).toEqual(['v2']);
    // Its own locality empty (v1 scaled away): the next priority, cluster2's pod.
    const withoutV1 = endpoints.filter((e) => e.labels['version'] !== 'v1');
    expect(versions(gatewayForwardSet({ gateway: gateway('cluster1'), endpoints: withoutV1, trafficPolicy: dr.trafficPolicy, profile }))).toEqual(['v2']);
  });
});
