/**
 * The shape istiod's locality stage works on: an Envoy `LocalityLbEndpoints` plus, for each of its
 * `LbEndpoint`s, the labels of the IstioEndpoint behind it (istiod's `WrappedLocalityLbEndpoints`,
 * pilot/pkg/networking/core/loadbalancer/loadbalancer.go). Functions in this folder return new
 * arrays and never mutate their inputs.
 */
import type { Locality } from '../../model/locality.js';
import type { LbEndpoint, LocalityLbEndpoints } from '../xds-types.js';

export interface WorkingGroup {
  locality: Locality;
  priority: number;
  /** `load_balancing_weight`; undefined is a nil wrapper (istiod counts it as 1 in `distribute`, Envoy as 0). */
  weight: number | undefined;
  endpoints: LbEndpoint[];
  /** Labels of the IstioEndpoint behind `endpoints[i]` (augmented; gateway entries carry network + cluster). */
  labels: Array<Readonly<Record<string, string>>>;
}

/** A shallow copy whose endpoint arrays may be replaced without touching the original. */
export function cloneGroup(g: WorkingGroup): WorkingGroup {
  return { locality: g.locality, priority: g.priority, weight: g.weight, endpoints: g.endpoints, labels: g.labels };
}

/**
 * Renumber priorities 0..N-1 in ascending order of their current values, without gaps, so Envoy
 * never sees an empty P0 (the "adjust the priorities in order" step shared by applyLocalityFailover,
 * applyFailoverPriorities and applyZoneAwareRegionalFailover in istio loadbalancer.go).
 */
export function compactPriorities(groups: WorkingGroup[]): void {
  const distinct = [...new Set(groups.map((g) => g.priority))].sort((a, b) => a - b);
  const rank = new Map<number, number>();
  distinct.forEach((p, i) => rank.set(p, i));
  for (const g of groups) g.priority = rank.get(g.priority) ?? g.priority;
}

/** Sum of endpoint weights (istiod's refreshWeight): undefined for a group without endpoints. */
export function sumWeights(endpoints: readonly LbEndpoint[]): number | undefined {
  if (endpoints.length === 0) return undefined;
  let w = 0;
  for (const e of endpoints) w += e.weight;
  return w;
}

/** The Envoy view of a group (a nil weight becomes 0). */
export function toLocalityLbEndpoints(g: WorkingGroup): LocalityLbEndpoints {
  return { locality: g.locality, priority: g.priority, weight: g.weight ?? 0, endpoints: g.endpoints };
}
