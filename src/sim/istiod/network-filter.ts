/**
 * Split-horizon EDS: endpoints on another network are replaced by that network's east-west
 * gateway(s), which stand for them inside the same locality group.
 */
import type { Locality } from '../../model/locality.js';
import type { IstioEndpoint, LbEndpoint, NetworkGateway, ProxyView } from '../xds-types.js';
import { augmentLabels } from './labels.js';
import { sumWeights, type WorkingGroup } from './working-group.js';

const MAX_U32 = 4294967295;

/** Gateways indexed by network and by network+cluster, each list sorted by address then port. */
export interface GatewayIndex {
  byNetwork: ReadonlyMap<string, readonly NetworkGateway[]>;
  byNetworkAndCluster: ReadonlyMap<string, readonly NetworkGateway[]>;
  /** LCM of the gateway counts per network and per network+cluster (1 without gateways). */
  scaleFactor: number;
  /** At least one gateway is known: split horizon applies. */
  multiNetwork: boolean;
}

/**
 * Index a gateway set (duplicates collapse, as in Go's set) and compute the weight scale factor.
 * Mirrors istio pilot/pkg/model/network.go NetworkGateways.update / SortGateways / lcm.
 */
export function indexGateways(gateways: readonly NetworkGateway[]): GatewayIndex {
  const unique = new Map<string, NetworkGateway>();
  for (const g of gateways) unique.set(`${g.network}\u0000${g.cluster}\u0000${g.address}\u0000${g.port}`, g);
  const byNetwork = new Map<string, NetworkGateway[]>();
  const byNetworkAndCluster = new Map<string, NetworkGateway[]>();
  for (const g of unique.values()) {
    push(byNetwork, g.network, g);
    push(byNetworkAndCluster, ncKey(g.network, g.cluster), g);
  }
  let scaleFactor = 1;
  for (const m of [byNetwork, byNetworkAndCluster]) {
    for (const list of m.values()) {
      list.sort(compareGateways);
      scaleFactor = lcm(scaleFactor, list.length);
    }
  }
  return { byNetwork, byNetworkAndCluster, scaleFactor, multiNetwork: byNetwork.size > 0 };
}

/** An endpoint group before the network filter: one locality, the endpoints in discovery order. */
export interface RawGroup {
  locality: Locality;
  endpoints: readonly IstioEndpoint[];
}

/**
 * Turn raw locality groups into Envoy groups for one proxy. Without gateways endpoints are kept
 * as they are. Otherwise every weight is multiplied by the scale factor; an endpoint is kept direct
 * when the proxy is on its network (or either network is empty) or its network has no gateway;
 * otherwise, if it is mTLS-capable, its weight is split evenly (integer division) over the gateways
 * of its network+cluster (else of its network) and each such gateway gets one entry in this group
 * (weight = accumulated sum, min 1). A proxy without a network still uses gateways (forceGateway).
 * Health plays no part here: a not-ready remote endpoint istiod sends still adds its weight to the
 * gateway entry, which itself carries no health status (healthy to Envoy).
 * Mirrors istio pilot/pkg/xds/endpoints/ep_filters.go EndpointsByNetworkFilter (sidecar mode).
 */
export function endpointsByNetworkFilter(groups: readonly RawGroup[], proxy: ProxyView, index: GatewayIndex): WorkingGroup[] {
  const scale = index.multiNetwork ? index.scaleFactor : 1;
  return groups.map((group) => {
    const endpoints: LbEndpoint[] = [];
    const labels: Array<Record<string, string>> = [];
    const viaGateway = new Map<NetworkGateway, { weight: number; backends: string[] }>();
    // Endpoints come in discovery order (cluster by cluster): the previous endpoint's gateways
    // usually serve the next one too, without a key string per endpoint.
    let lastNetwork: string | undefined;
    let lastCluster: string | undefined;
    let lastGateways: readonly NetworkGateway[] = [];
    for (const ep of group.endpoints) {
      const weight = scaleWeight(ep.weight, scale);
      if (ep.network !== lastNetwork || ep.cluster !== lastCluster) {
        lastNetwork = ep.network;
        lastCluster = ep.cluster;
        lastGateways = index.multiNetwork ? selectNetworkGateways(index, ep.network, ep.cluster) : [];
      }
      const gws = lastGateways;
      const forceGateway = proxy.network === '' && ep.network !== '' && gws.length > 0;
      if (!forceGateway && (inNetwork(proxy.network, ep.network) || gws.length === 0)) {
        const direct: LbEndpoint = { id: ep.id, address: ep.address, port: ep.port, weight, kind: 'direct', cluster: ep.cluster, network: ep.network, backends: [] };
        if (ep.healthy === false) direct.unhealthy = true;
        endpoints.push(direct);
        labels.push(endpointLabels(ep));
        continue;
      }
      // Cross-network traffic relies on mTLS SNI routing at the gateway: plaintext endpoints are dropped.
      if (!ep.mtls) continue;
      const share = Math.floor(weight / gws.length);
      for (const gw of gws) {
        const acc = viaGateway.get(gw) ?? { weight: 0, backends: [] };
        acc.weight += share;
        acc.backends.push(ep.id);
        viaGateway.set(gw, acc);
      }
    }
    for (const gw of [...viaGateway.keys()].sort(compareGateways)) {
      const acc = viaGateway.get(gw) as { weight: number; backends: string[] };
      endpoints.push({
        id: gw.id,
        address: gw.address,
        port: gw.port,
        weight: Math.max(1, Math.min(MAX_U32, acc.weight)),
        kind: 'gateway',
        cluster: gw.cluster,
        network: gw.network,
        backends: acc.backends,
      });
      labels.push(gatewayLabels(gw));
    }
    return { locality: group.locality, priority: 0, weight: sumWeights(endpoints), endpoints, labels };
  });
}

/**
 * Augmented labels of an endpoint (label.go AugmentLabels), built once per endpoint object: every
 * proxy's build reads the same labels, and nothing downstream writes to them. An endpoint whose
 * labels or topology change is a new object (the engine copies it), so the memo cannot go stale.
 */
const augmentedOf = new WeakMap<IstioEndpoint, Readonly<Record<string, string>>>();
function endpointLabels(ep: IstioEndpoint): Readonly<Record<string, string>> {
  let out = augmentedOf.get(ep);
  if (out === undefined) {
    out = augmentLabels(ep.labels, { cluster: ep.cluster, locality: ep.locality, network: ep.network });
    augmentedOf.set(ep, out);
  }
  return out;
}

/** A gateway entry's labels: its cluster and network, no locality (ep_filters.go builds them so). */
const gatewayLabelsOf = new WeakMap<NetworkGateway, Readonly<Record<string, string>>>();
function gatewayLabels(gw: NetworkGateway): Readonly<Record<string, string>> {
  let out = gatewayLabelsOf.get(gw);
  if (out === undefined) {
    out = augmentLabels({}, { cluster: gw.cluster, locality: { region: '', zone: '', subzone: '' }, network: gw.network });
    gatewayLabelsOf.set(gw, out);
  }
  return out;
}

/**
 * Gateways of the endpoint's network+cluster if any, else every gateway of its network.
 * Mirrors istio ep_filters.go selectNetworkGateways.
 */
export function selectNetworkGateways(index: GatewayIndex, network: string, cluster: string): readonly NetworkGateway[] {
  const exact = index.byNetworkAndCluster.get(ncKey(network, cluster));
  if (exact !== undefined && exact.length > 0) return exact;
  return index.byNetwork.get(network) ?? [];
}

/** Proxy.InNetwork: same network, or either side unspecified (pilot/pkg/model/context.go). */
export function inNetwork(proxyNetwork: string, endpointNetwork: string): boolean {
  return proxyNetwork === '' || endpointNetwork === '' || proxyNetwork === endpointNetwork;
}

/** LbWeight (0 means 1) times the scale factor, clipped at MaxUint32 (ep_filters.go scaleEndpointLBWeight). */
function scaleWeight(weight: number, scale: number): number {
  const w = weight > 0 ? weight : 1;
  return w < MAX_U32 / scale ? w * scale : MAX_U32;
}

function compareGateways(a: NetworkGateway, b: NetworkGateway): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  return a.port - b.port;
}

function ncKey(network: string, cluster: string): string {
  return `${network}\u0000${cluster}`;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function gcd(x: number, y: number): number {
  let a = x;
  let b = y;
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcm(x: number, y: number): number {
  return y === 0 ? x : (x * y) / gcd(x, y);
}
