import type { DestinationRule } from './destination-rule.js';
import type { Threshold } from './threshold.js';

/** A resolved `kind: Scenario` document (product.md §3.2), durations in integer µs. */
export interface Scenario {
  name: string;
  description?: string;
  client: { cluster: string; workload: string };
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
