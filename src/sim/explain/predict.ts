/**
 * The traffic split a client proxy's Envoy should produce with every host healthy (or with the
 * given hosts unhealthy): priority loads × locality weights (when locality-weighted) × host weights.
 */
import { effectiveLocalityWeight } from '../envoy/locality-wrr.js';
import { computePriorityLoads } from '../envoy/priority-load.js';
import { levelHealth, priorityLevelsOf } from '../envoy/priority-set.js';
import type { ClusterConfig, ClusterLoadAssignment, LbEndpoint } from '../xds-types.js';

/** Share of requests one host entry gets. */
export interface EndpointShare {
  endpoint: LbEndpoint;
  priority: number;
  share: number;
}

/**
 * Expected share of each host entry. Inside a priority: with locality-weighted LB, localities by
 * effective weight then hosts inside the locality; otherwise the priority's flat host list. Hosts
 * share by LB weight (LEAST_REQUEST/ROUND_ROBIN in steady state), uniformly with RANDOM (Envoy's
 * random LB ignores weights). Priorities in panic use all their hosts.
 */
export function predictEndpointShares(
  cla: ClusterLoadAssignment,
  config: ClusterConfig,
  isHealthy: (host: LbEndpoint) => boolean = (h) => h.unhealthy !== true,
): EndpointShare[] {
  const levels = priorityLevelsOf(cla);
  const loads = computePriorityLoads(levelHealth(levels, isHealthy), config.overprovisioningFactor, config.healthyPanicThresholdPct);
  const out: EndpointShare[] = [];
  const hostWeight = (h: LbEndpoint) => (config.lbPolicy === 'RANDOM' ? 1 : h.weight);
  levels.forEach((level, p) => {
    const load = (loads.healthy[p] ?? 0) / 100;
    if (load === 0) return;
    const panic = loads.inPanic[p] === true;
    const usable = (h: LbEndpoint) => panic || isHealthy(h);
    if (config.localityWeighted && !panic) {
      const eff = level.groups.map((g) => {
        const eligible = g.endpoints.filter(usable).length;
        return effectiveLocalityWeight(g.weight, eligible, g.endpoints.length, config.overprovisioningFactor);
      });
      const total = eff.reduce((a, b) => a + b, 0);
      if (total > 0) {
        level.groups.forEach((g, gi) => {
          const hosts = g.endpoints.filter(usable);
          spread(out, hosts, p, (load * (eff[gi] ?? 0)) / total, hostWeight);
        });
        return;
      }
    }
    spread(out, level.hosts.filter(usable), p, load, hostWeight);
  });
  return out;
}

function spread(out: EndpointShare[], hosts: readonly LbEndpoint[], priority: number, share: number, weight: (h: LbEndpoint) => number): void {
  const total = hosts.reduce((a, h) => a + weight(h), 0);
  if (total <= 0 || share === 0) return;
  for (const h of hosts) out.push({ endpoint: h, priority, share: (share * weight(h)) / total });
}

/** A predicted split in parts: per version, and per gateway the share of requests through it. */
export interface ShareParts {
  /** Share of each version (summing to 1 when any host can serve), sorted by version. */
  versions: Record<string, number>;
  /** Share of each version reached directly (not through a gateway). */
  direct: Record<string, number>;
  /** Share of requests through each gateway (all its copies), by gateway id. */
  gateways: Map<string, number>;
}

/**
 * Predicted share of each `version`: a gateway entry's share is split evenly among the pods the
 * gateway forwards to (`gatewayPods`, istiod/gateway-view.ts; by default the remote pods folded into
 * any copy of the entry), as the gateway balances new connections over them (Envoy keeps only the
 * first copy of a duplicated gateway address). `versionOf` maps a pod id to its version (`unknown`
 * when undefined). The measures use the versions for the chi-square test.
 */
export function predictShareParts(
  cla: ClusterLoadAssignment,
  config: ClusterConfig,
  versionOf: (podId: string) => string | undefined,
  isHealthy?: (host: LbEndpoint) => boolean,
  gatewayPods?: (gatewayId: string) => readonly string[] | undefined,
): ShareParts {
  const shares: Record<string, number> = {};
  const direct: Record<string, number> = {};
  const gateways = new Map<string, number>();
  const add = (to: Record<string, number>, podId: string, s: number) => {
    const v = versionOf(podId) ?? 'unknown';
    to[v] = (to[v] ?? 0) + s;
  };
  const backendsOf = new Map<string, string[]>();
  for (const g of cla.groups) {
    for (const ep of g.endpoints) if (ep.kind === 'gateway') backendsOf.set(ep.id, [...(backendsOf.get(ep.id) ?? []), ...ep.backends]);
  }
  for (const { endpoint, share } of predictEndpointShares(cla, config, isHealthy)) {
    if (endpoint.kind === 'gateway') {
      const forwarded = gatewayPods?.(endpoint.id);
      const backends = forwarded !== undefined && forwarded.length > 0 ? forwarded : (backendsOf.get(endpoint.id) ?? endpoint.backends);
      if (backends.length === 0) continue;
      gateways.set(endpoint.id, (gateways.get(endpoint.id) ?? 0) + share);
      for (const b of backends) add(shares, b, share / backends.length);
    } else {
      add(shares, endpoint.id, share);
      add(direct, endpoint.id, share);
    }
  }
  return { versions: clampShares(shares), direct: clampShares(direct), gateways };
}

/** `predictShareParts(...).versions`. */
export function predictVersionShares(
  cla: ClusterLoadAssignment,
  config: ClusterConfig,
  versionOf: (podId: string) => string | undefined,
  isHealthy?: (host: LbEndpoint) => boolean,
  gatewayPods?: (gatewayId: string) => readonly string[] | undefined,
): Record<string, number> {
  return predictShareParts(cla, config, versionOf, isHealthy, gatewayPods).versions;
}

/**
 * Many pods' shares summed in floating point can land a few ulps past 1 (40 pods:
 * 1.0000000000000004), which a share must never be: clamp the noise, not the model.
 */
function clampShares(shares: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(shares)
      .map(([v, s]) => [v, Math.min(1, Math.max(0, s))] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
