/**
 * The Envoy priority set a ClusterLoadAssignment turns into: hosts per priority (each LbEndpoint is
 * one host, a gateway entry too, whatever its weight) and their health counts.
 */
import type { ClusterLoadAssignment, LbEndpoint, LocalityLbEndpoints, PriorityLevelHealth } from '../xds-types.js';
import { dedupeAssignment } from './eds-dedupe.js';

/** One priority level: its locality groups in EDS order and all their hosts. */
export interface PriorityLevel {
  priority: number;
  groups: LocalityLbEndpoints[];
  hosts: LbEndpoint[];
}

/**
 * Levels 0..max priority of the assignment as Envoy keeps it (a duplicated address only in its first
 * group, dedupeAssignment; a priority without groups is an empty level, as Envoy creates host sets
 * up to the highest priority it sees).
 */
export function priorityLevelsOf(assignment: ClusterLoadAssignment): PriorityLevel[] {
  const cla = dedupeAssignment(assignment);
  let max = -1;
  for (const g of cla.groups) max = Math.max(max, g.priority);
  const levels: PriorityLevel[] = [];
  for (let p = 0; p <= max; p++) levels.push({ priority: p, groups: [], hosts: [] });
  for (const g of cla.groups) {
    const level = levels[g.priority] as PriorityLevel;
    level.groups.push(g);
    level.hosts.push(...g.endpoints);
  }
  return levels;
}

/**
 * Host counts per level for the load maths; `isHealthy` says which hosts count as healthy
 * (default: all but those EDS marks UNHEALTHY; an ejected host is unhealthy too).
 */
export function levelHealth(levels: readonly PriorityLevel[], isHealthy: (host: LbEndpoint) => boolean = (h) => h.unhealthy !== true): PriorityLevelHealth[] {
  return levels.map((l) => {
    let healthy = 0;
    for (const h of l.hosts) if (isHealthy(h)) healthy++;
    return { total: l.hosts.length, healthy };
  });
}
