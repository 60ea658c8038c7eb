import type { DestinationRule } from './destination-rule.js';
import type { Threshold } from './threshold.js';

/** A resolved `kind: Scenario` document (product.md §3.2), durations in integer µs. */
export interface Scenario {
  name: string;
  description?: string;
  /** The first (or only) client workload: the seed's sleep pod, `spec.client` or `spec.clients[0]`. */
  client: { cluster: string; workload: string };
  /**
   * Every client workload with its own load, when the document names `spec.clients` (absent for a
   * single `spec.client`, so a single-client scenario resolves exactly as before). Read through
   * `scenarioClients`, which covers both forms.
   */
  clients?: ScenarioClient[];
  request: ScenarioRequest;
  /** The DestinationRule in force at the start; absent = none. */
  destinationRule?: DestinationRule;
  load: LoadModel;
  /** Sorted by `atUs` (stable for equal times). */
  timeline: TimelineEntry[];
  measure: { failover?: { fault: string; restore?: string } };
  thresholds: Threshold[];
  /** File it came from (or `builtin:<name>`). */
  source: string;
}

export interface ScenarioRequest {
  service: string;
  namespace: string;
  port: number;
  path: string;
  timeoutUs: number;
  /** The Service's `spec.trafficDistribution` (simulator: how istiod treats it depends on the version). */
  trafficDistribution?: 'PreferClose' | 'PreferSameZone' | 'PreferSameNode';
}

/** One client workload of a scenario and the load it sends (its own, or its share of the scenario's). */
export interface ScenarioClient {
  cluster: string;
  workload: string;
  load: LoadModel;
}

/** `cluster/workload`: how results, reports and thresholds (`{client=cluster2/sleep}`) name a client. */
export function clientName(c: { cluster: string; workload: string }): string {
  return `${c.cluster}/${c.workload}`;
}

/** The scenario's clients in document order; a single-client scenario gives its one client with the scenario's load. */
export function scenarioClients(s: Pick<Scenario, 'client' | 'clients' | 'load'>): ScenarioClient[] {
  return s.clients ?? [{ cluster: s.client.cluster, workload: s.client.workload, load: s.load }];
}

/**
 * The load of every client together, as the overall measures see it: the sum of the clients' rates
 * (or VUs) when they share one model, over the longest duration; the scenario's own load otherwise.
 */
export function overallLoad(s: Pick<Scenario, 'client' | 'clients' | 'load'>): LoadModel {
  const clients = scenarioClients(s);
  if (clients.length === 1) return (clients[0] as ScenarioClient).load;
  const durationUs = Math.max(...clients.map((c) => c.load.durationUs));
  if (clients.every((c) => c.load.kind === 'open')) {
    return { kind: 'open', ratePerS: clients.reduce((n, c) => n + (c.load.kind === 'open' ? c.load.ratePerS : 0), 0), durationUs };
  }
  if (clients.every((c) => c.load.kind === 'closed')) {
    const think = clients[0]!.load.kind === 'closed' ? clients[0]!.load.thinkTimeUs : 0;
    return { kind: 'closed', concurrency: clients.reduce((n, c) => n + (c.load.kind === 'closed' ? c.load.concurrency : 0), 0), durationUs, thinkTimeUs: think };
  }
  return s.load;
}

/** Open model: constant arrival rate (k6 constant-arrival-rate). Closed model: concurrency loops (k6 constant-vus, the seed's curl loop). */
export type LoadModel =
  | { kind: 'open'; ratePerS: number; durationUs: number }
  | { kind: 'closed'; concurrency: number; durationUs: number; thinkTimeUs: number };

export interface TimelineEntry {
  atUs: number;
  /** Optional name referenced by `measure` and threshold `during` clauses. */
  name?: string;
  action: TimelineAction;
}

export type TimelineAction =
  | { kind: 'scale'; cluster: string; deployment: string; replicas: number }
  | { kind: 'deletePods'; cluster: string; deployment: string; count: number }
  | { kind: 'fail'; cluster: string; deployment: string; pods?: number; status: number; fraction: number }
  | { kind: 'heal'; cluster: string; deployment: string }
  | { kind: 'gatewayDown'; cluster: string }
  | { kind: 'gatewayUp'; cluster: string }
  | { kind: 'delay'; cluster: string; deployment: string; addUs: number }
  | { kind: 'applyDestinationRule'; destinationRule: DestinationRule };

/** Actions only the simulator can perform (a kube target refuses scenarios that use them). */
export const SIM_ONLY_ACTIONS: ReadonlySet<TimelineAction['kind']> = new Set(['fail', 'heal', 'delay']);

/** One-line human description used in events and reports, e.g. `scale cluster1/helloworld-v1 to 0`. */
export function describeAction(a: TimelineAction): string {
  switch (a.kind) {
    case 'scale':
      return `scale ${a.cluster}/${a.deployment} to ${a.replicas}`;
    case 'deletePods':
      return `delete ${a.count} pod${a.count === 1 ? '' : 's'} of ${a.cluster}/${a.deployment}`;
    case 'fail':
      return `${a.cluster}/${a.deployment}${a.pods !== undefined ? ` (${a.pods} pods)` : ''} answers ${a.status} to ${Math.round(a.fraction * 100)}% of requests`;
    case 'heal':
      return `heal ${a.cluster}/${a.deployment}`;
    case 'gatewayDown':
      return `east-west gateway of ${a.cluster} down`;
    case 'gatewayUp':
      return `east-west gateway of ${a.cluster} up`;
    case 'delay':
      return `add ${a.addUs / 1000}ms to ${a.cluster}/${a.deployment}`;
    case 'applyDestinationRule':
      return `apply DestinationRule ${a.destinationRule.name} (${a.destinationRule.source})`;
  }
}
