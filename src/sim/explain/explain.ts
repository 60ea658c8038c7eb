/**
 * What each client proxy will do with a DestinationRule in a mesh: the EDS groups istiod sends it,
 * the priority loads, the effective Envoy settings, the predicted version split and the traps.
 */
import type { DestinationRule } from '../../model/destination-rule.js';
import { formatLocality } from '../../model/locality.js';
import type { Mesh } from '../../model/mesh.js';
import type { LoadModel } from '../../model/scenario.js';
import { destinationRuleSelects } from '../../model/resolve-dr-host.js';
import { computePriorityLoads } from '../envoy/priority-load.js';
import { duplicateAddresses } from '../envoy/eds-dedupe.js';
import { levelHealth, priorityLevelsOf } from '../envoy/priority-set.js';
import type { TrafficDistribution } from '../istiod/locality-lb.js';
import { buildClusterLoadAssignment } from '../istiod/endpoint-builder.js';
import { isUnsetLocality } from '../istiod/locality.js';
import type { IstioProfile } from '../istio-profile.js';
import { clientsOf, gatewaysOf, proxyViewOf, serviceEndpoints, servicesOf } from '../topology.js';
import type { ClusterLoadAssignment, IstioEndpoint, NetworkGateway } from '../xds-types.js';
import { connectionPoolWarnings } from './connection-pool.js';
import { dataPathAssumptions } from './data-path.js';
import { gatewayForwardSet } from '../istiod/gateway-view.js';
import { NetworkViewCache } from '../istiod/network-view-cache.js';
import { predictPinning, type PinningPrediction } from './pinning.js';
import { predictShareParts } from './predict.js';
import { effectiveSettings, type EffectiveSettings } from './settings.js';
import { destinationRuleWarnings, type ExplainWarning } from './warnings.js';

export interface ExplainRequest {
  mesh: Mesh;
  destinationRule?: DestinationRule;
  profile: IstioProfile;
  /** Client proxies to explain; default: every `client: true` workload. A client's own `load` overrides `load`. */
  clients?: ReadonlyArray<{ cluster: string; workload: string; load?: LoadModel }>;
  /** Service to explain; default: every service of the mesh. */
  service?: { service: string; namespace: string };
  /** The Service's `spec.trafficDistribution` (a scenario's request names it). */
  trafficDistribution?: TrafficDistribution;
  /** The scenario's load: how many connections the client opens (gateway pinning), and to check connectionPool limits against it. */
  load?: LoadModel;
}

export interface ExplainBackend {
  pod: string;
  cluster: string;
  version?: string;
}

export interface ExplainEndpoint {
  /** Pod name, or the gateway id for a gateway entry. */
  id: string;
  kind: 'direct' | 'gateway';
  address: string;
  weight: number;
  cluster: string;
  network: string;
  /** Pods behind the entry: the pod itself, or the remote pods a gateway stands for. */
  backends: ExplainBackend[];
}

export interface ExplainGroup {
  locality: string;
  priority: number;
  weight: number;
  endpoints: ExplainEndpoint[];
}

export interface ClientExplain {
  client: { cluster: string; workload: string; network: string; locality: string };
  service: { service: string; namespace: string };
  /** Whether the DestinationRule's host selects this service. */
  destinationRuleApplies: boolean;
  groups: ExplainGroup[];
  /** Priority loads with every host healthy (integer percent). */
  loads: { healthy: number[]; inPanic: boolean[] };
  settings: EffectiveSettings;
  /** Predicted share of each version with every host healthy (sums to 1): per request, or the mean over trials where gateway pinning applies. */
  predictedShares: Record<string, number>;
  /** How east-west gateway connection pinning moves a trial's split; absent when it cannot move a version's share. */
  pinning?: PinningPrediction;
  warnings: ExplainWarning[];
  /** The data-path assumptions behind the simulator's figures (capacity, shutdown race, gateway pinning). */
  assumptions: ExplainWarning[];
}

export interface ExplainReport {
  istio: string;
  mesh: string;
  destinationRule?: { name: string; source: string; host: string };
  entries: ClientExplain[];
}

/**
 * Explain every requested client × service. Throws RangeError for a client that is not in the
 * mesh (callers validate user input first).
 */
export function explainMesh(req: ExplainRequest): ExplainReport {
  const clients = req.clients ?? clientsOf(req.mesh);
  const services = req.service !== undefined ? [req.service] : servicesOf(req.mesh);
  // What every client of a service shares (its endpoints, the gateways' forward sets) is computed
  // once per service, not once per client: a 50-client run explains 50 clients of one mesh.
  const networkViews = new NetworkViewCache();
  const shared = services.map((s) => serviceView(req, s, networkViews));
  const entries: ClientExplain[] = [];
  for (const c of clients) {
    const clientReq = 'load' in c && c.load !== undefined ? { ...req, load: c.load } : req;
    for (const v of shared) entries.push(explainClient(clientReq, c, v));
  }
  const report: ExplainReport = { istio: req.profile.version, mesh: req.mesh.name, entries };
  const dr = req.destinationRule;
  if (dr !== undefined) report.destinationRule = { name: dr.name, source: dr.source, host: dr.host };
  return report;
}

/** A service as every client sees it: its endpoints, the rule that applies, where each gateway forwards. */
interface ServiceView {
  s: { service: string; namespace: string };
  endpoints: IstioEndpoint[];
  dr: DestinationRule | undefined;
  forward: Map<string, string[]>;
  /** Clients on other networks see each remote locality group alike: filtered once (network-view-cache.ts). */
  networkViews: NetworkViewCache;
  /** The service's endpoints by pod name. */
  byPod: Map<string, IstioEndpoint>;
  /** The mesh's gateways, one array for every client (the cache keys on it). */
  gateways: NetworkGateway[];
}

function serviceView(req: ExplainRequest, s: { service: string; namespace: string }, networkViews: NetworkViewCache): ServiceView {
  const endpoints = serviceEndpoints(req.mesh, s.service, s.namespace);
  const applies = req.destinationRule !== undefined && destinationRuleSelects(req.destinationRule, s.service, s.namespace);
  const dr = applies ? req.destinationRule : undefined;
  return { s, endpoints, dr, forward: gatewayForwardSets(req, endpoints, dr?.trafficPolicy), networkViews, gateways: gatewaysOf(req.mesh), byPod: new Map(endpoints.map((e) => [e.id, e])) };
}

function explainClient(req: ExplainRequest, c: { cluster: string; workload: string }, view: ServiceView): ClientExplain {
  const { s, endpoints, dr, forward, networkViews, gateways, byPod } = view;
  const proxy = proxyViewOf(req.mesh, c.cluster, c.workload);
  const applies = dr !== undefined;
  const trafficPolicy = dr?.trafficPolicy;
  const cla = buildClusterLoadAssignment({
    proxy,
    endpoints,
    gateways,
    profile: req.profile,
    ...(trafficPolicy !== undefined ? { trafficPolicy } : {}),
    ...(req.trafficDistribution !== undefined ? { trafficDistribution: req.trafficDistribution } : {}),
    networkViews,
  });
  // Envoy's hosts: a duplicated (gateway) address is one host (priorityLevelsOf dedupes).
  const levels = priorityLevelsOf(cla);
  const hostCount = levels.reduce((a, l) => a + l.hosts.length, 0);
  const settings = effectiveSettings(dr, req.profile, hostCount, req.trafficDistribution);
  const loads = computePriorityLoads(levelHealth(levels), settings.cluster.overprovisioningFactor, settings.cluster.healthyPanicThresholdPct);
  const warnings = [
    ...destinationRuleWarnings(dr, req.profile, hostCount),
    ...duplicateAddressWarnings(cla),
    ...topologyWarnings(req.mesh, proxy.locality, endpoints, proxy.network),
    ...connectionPoolWarnings(trafficPolicy?.connectionPool, req.load, req.mesh, s, clientWorkers(req.mesh, c)),
  ];
  const versionOf = (id: string) => byPod.get(id)?.labels['version'];
  const parts = predictShareParts(cla, settings.cluster, versionOf, undefined, (id) => forward.get(id));
  const pinning = predictPinning({
    mesh: req.mesh,
    gatewayShares: parts.gateways,
    forwardVersions: (id) => (forward.get(id) ?? []).map((pod) => versionOf(pod) ?? 'unknown'),
    directShares: parts.direct,
    load: req.load,
  });
  const entry: ClientExplain = {
    client: { cluster: c.cluster, workload: c.workload, network: proxy.network, locality: localityText(proxy.locality) },
    service: s,
    destinationRuleApplies: applies,
    groups: groupsView(cla, byPod),
    loads: { healthy: loads.healthy, inPanic: loads.inPanic },
    settings,
    predictedShares: parts.versions,
    warnings,
    assumptions: dataPathAssumptions(req.mesh, req.profile, s, cla.groups.some((g) => g.endpoints.some((e) => e.kind === 'gateway')), clientWorkers(req.mesh, c)),
  };
  if (pinning !== undefined) entry.pinning = pinning;
  return entry;
}

/**
 * Pods each east-west gateway forwards new connections to (its network view with the rule at its
 * own locality; istiod/gateway-view.ts), by gateway id. The DestinationRule is in force in every
 * cluster, as the simulator runs it.
 */
function gatewayForwardSets(req: ExplainRequest, endpoints: readonly IstioEndpoint[], trafficPolicy: DestinationRule['trafficPolicy'] | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const ready = endpoints.filter((e) => e.healthy !== false);
  for (const gw of gatewaysOf(req.mesh)) {
    const locality = req.mesh.clusters.find((c) => c.name === gw.cluster)?.eastWestGateway?.locality;
    if (locality === undefined) continue;
    const set = gatewayForwardSet({
      gateway: { id: gw.id, cluster: gw.cluster, network: gw.network, locality },
      endpoints: ready,
      trafficPolicy,
      profile: req.profile,
      trafficDistribution: req.trafficDistribution,
    });
    out.set(gw.id, set.map((e) => e.id));
  }
  return out;
}

function clientWorkers(mesh: Mesh, c: { cluster: string; workload: string }): number {
  return mesh.clusters.find((x) => x.name === c.cluster)?.workloads.find((w) => w.name === c.workload)?.proxyConcurrency ?? mesh.defaults.proxyConcurrency;
}

function groupsView(cla: ClusterLoadAssignment, byPod: ReadonlyMap<string, IstioEndpoint>): ExplainGroup[] {
  const backend = (pod: string): ExplainBackend => {
    const ep = byPod.get(pod);
    const version = ep?.labels['version'];
    return version === undefined ? { pod, cluster: ep?.cluster ?? '' } : { pod, cluster: ep?.cluster ?? '', version };
  };
  return [...cla.groups]
    .sort((a, b) => a.priority - b.priority)
    .map((g) => ({
      locality: localityText(g.locality),
      priority: g.priority,
      weight: g.weight,
      endpoints: g.endpoints.map((e) => ({
        id: e.id,
        kind: e.kind,
        address: e.address,
        weight: e.weight,
        cluster: e.cluster,
        network: e.network,
        backends: e.kind === 'gateway' ? e.backends.map(backend) : [backend(e.id)],
      })),
    }));
}

/**
 * istio#56355: istiod lists an east-west gateway once per remote locality group, all copies with the
 * same IP:15443, and Envoy keeps only the first (envoy eds.cc; envoy#23445, #22417).
 */
function duplicateAddressWarnings(cla: ClusterLoadAssignment): ExplainWarning[] {
  return duplicateAddresses(cla).map((d) => {
    const first = d.copies[0];
    const total = d.copies.reduce((a, c) => a + c.weight, 0);
    const where = (c: { group: number; priority: number }) => `${localityText((cla.groups[c.group] as { locality: IstioEndpoint['locality'] }).locality)} P${c.priority}`;
    return {
      severity: 'warning' as const,
      code: 'duplicate-gateway-address',
      message:
        `${d.id} (${d.key}) is listed in ${d.copies.length} locality groups (${d.copies.map((c) => `${where(c)} weight ${c.weight}`).join(', ')}); ` +
        `Envoy keeps only the first copy (${first === undefined ? '' : `${where(first)}, weight ${first.weight}`}), so the remote endpoints behind it weigh ` +
        `${first?.weight ?? 0} instead of ${total} — known Istio bug istio#56355 (Envoy drops duplicate addresses: envoy#23445, envoy#22417).`,
    };
  });
}

function topologyWarnings(mesh: Mesh, clientLocality: IstioEndpoint['locality'], endpoints: readonly IstioEndpoint[], clientNetwork: string): ExplainWarning[] {
  const out: ExplainWarning[] = [];
  if (endpoints.length > 0 && isUnsetLocality(clientLocality) && endpoints.every((e) => isUnsetLocality(e.locality))) {
    out.push({
      severity: 'warning',
      code: 'no-topology-labels',
      message: 'no topology labels on the client or the endpoints: every locality compares equal, so all endpoints get priority 0 (no locality failover).',
    });
  }
  const gatewayNetworks = new Set(gatewaysOf(mesh).map((g) => g.network));
  const unreachable = [...new Set(endpoints.filter((e) => e.network !== clientNetwork && e.network !== '' && clientNetwork !== '' && !gatewayNetworks.has(e.network)).map((e) => `${e.cluster} (${e.network})`))];
  if (unreachable.length > 0) {
    out.push({
      severity: 'warning',
      code: 'no-eastwest-gateway',
      message: `${unreachable.join(', ')}: another network without an east-west gateway; istiod lists those pods directly and requests to them cannot cross networks.`,
    });
  }
  return out;
}

/** `region/zone[/subzone]` without trailing slashes; empty when no part is set. */
export function localityText(l: IstioEndpoint['locality']): string {
  return formatLocality(l).replace(/\/+$/, '');
}
