/**
 * network_gateway_weight: split-horizon EDS — scale factor, direct endpoints and gateway entries
 * (with their accumulated weights) in one locality group, for a client on a given network.
 */
import { buildClusterLoadAssignment } from '../../istiod/endpoint-builder.js';
import { indexGateways } from '../../istiod/network-filter.js';
import type { Locality } from '../../../model/locality.js';
import type { IstioEndpoint, NetworkGateway } from '../../xds-types.js';
import type { AdapterContext } from '../context.js';
import { ShapeError, type Fields } from '../fields.js';

/**
 * Gateways of the upstream test environment (istio pilot/pkg/xds/endpoints/ep_filters_test.go
 * `environment()`), used when a vector from that test names no gateways itself.
 */
const EP_FILTERS_TEST_GATEWAYS: ReadonlyArray<Omit<NetworkGateway, 'id'>> = [
  { network: 'network1', cluster: 'cluster1a', address: '1.1.1.1', port: 80 },
  { network: 'network2', cluster: 'cluster2a', address: '2.2.2.2', port: 80 },
  { network: 'network2', cluster: 'cluster2b', address: '2.2.2.20', port: 80 },
  { network: 'network2', cluster: 'cluster2b', address: '2.2.2.21', port: 80 },
  { network: 'network3', cluster: 'cluster3', address: '3.3.3.3', port: 443 },
];

/** Every endpoint of these vectors sits in one locality group. */
const NO_LOCALITY: Locality = { region: '', zone: '', subzone: '' };

function endpoint(address: string, network: string, cluster: string, weight: number): IstioEndpoint {
  return { id: address, address, port: 8080, cluster, network, locality: NO_LOCALITY, labels: {}, weight, mtls: true };
}

function networkNumber(network: string, index: number): number {
  const m = /(\d+)$/.exec(network);
  return m ? Number(m[1]) : index + 1;
}

function readGateways(input: Fields): NetworkGateway[] {
  if (input.has('gateways_by_network')) {
    const f = input.obj('gateways_by_network') as Fields;
    return f.keys().flatMap((network) => {
      const addrs = f.list(network) ?? [];
      return addrs.map((a) => {
        if (typeof a !== 'string') throw new ShapeError(`input.gateways_by_network.${network} holds a non-address`);
        return { id: a, address: a, port: 15443, network, cluster: '' };
      });
    });
  }
  if (input.has('gateways')) {
    return (input.list('gateways') ?? []).map((g, i) => {
      const f = input.child(g, `input.gateways[${i}]`);
      const address = f.str('addr') ?? f.str('address') ?? '';
      return { id: address, address, port: f.numOr('port', 15443), network: f.str('network') ?? '', cluster: f.str('cluster') ?? '' };
    });
  }
  return EP_FILTERS_TEST_GATEWAYS.map((g) => ({ ...g, id: g.address }));
}

function readEndpoints(input: Fields, weight: number): IstioEndpoint[] {
  const out: IstioEndpoint[] = [];
  if (input.has('endpoint_count_by_network')) {
    const f = input.obj('endpoint_count_by_network') as Fields;
    f.keys().forEach((network, ni) => {
      const n = f.reqNum(network);
      for (let i = 0; i < n; i++) out.push(endpoint(`10.${networkNumber(network, ni)}.0.${i + 1}`, network, '', weight));
    });
  }
  if (input.has('reachable_remote_endpoints')) {
    const f = input.obj('reachable_remote_endpoints') as Fields;
    for (const network of f.keys()) {
      for (const [i, e] of (f.list(network) ?? []).entries()) {
        const m = typeof e === 'string' ? /^(\S+)(?:\s*\(([^)]*)\))?$/.exec(e.trim()) : null;
        if (!m) throw new ShapeError(`input.reachable_remote_endpoints.${network}[${i}] is not "ip (cluster)"`);
        out.push(endpoint(m[1] as string, network, m[2] ?? '', weight));
      }
    }
  }
  if (input.has('remote_endpoints')) {
    const f = input.obj('remote_endpoints') as Fields;
    for (const key of f.keys()) {
      const [network = '', cluster = ''] = key.split('/');
      const n = f.reqNum(key);
      for (let i = 0; i < n; i++) out.push(endpoint(`remote-${network}-${cluster}-${i + 1}`, network, cluster, weight));
    }
  }
  return out;
}

export function networkGatewayAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const weight = input.numOr('endpoint_weight', 1);
  const client = input.obj('client');
  const proxyNetwork = client?.str('network') ?? input.str('client_network') ?? '';
  const proxyCluster = client?.str('cluster') ?? input.str('client_cluster') ?? '';
  const gateways = readGateways(input);
  const endpoints = readEndpoints(input, weight);
  const gatewayAddresses = new Set(gateways.map((g) => g.address));
  // Endpoints the vector only names in its expectation (the upstream fixture's local and
  // gateway-less endpoints) are taken as directly reachable endpoints of the client's network.
  const want = expected.obj('lb_endpoints');
  const known = new Set(endpoints.map((e) => e.address));
  for (const key of want?.keys() ?? []) {
    if (!known.has(key) && !gatewayAddresses.has(key)) endpoints.push(endpoint(key, proxyNetwork, proxyCluster, weight));
  }
  const proxy = { id: 'client', cluster: proxyCluster, network: proxyNetwork, locality: NO_LOCALITY, labels: {} };
  const cla = buildClusterLoadAssignment({ proxy, endpoints, gateways, profile: ctx.profile });
  if (expected.has('scale_factor')) ctx.check('scale_factor', expected.raw('scale_factor'), indexGateways(gateways).scaleFactor);
  if (want !== undefined) {
    const got: Record<string, number> = {};
    for (const g of cla.groups) for (const e of g.endpoints) got[e.address] = (got[e.address] ?? 0) + e.weight;
    const wantMap: Record<string, unknown> = {};
    for (const k of want.keys()) wantMap[k] = want.raw(k);
    ctx.check('lb_endpoints', wantMap, got);
  }
  if (expected.has('locality_group_weight')) {
    ctx.check('locality_group_weight', expected.raw('locality_group_weight'), cla.groups.length === 1 ? cla.groups[0]?.weight : cla.groups.map((g) => g.weight));
  }
}
