/**
 * Send N requests through the Envoy model (priority choice, locality pick, host pick) against a
 * ClusterLoadAssignment with every host healthy and no request in flight, counting picks per
 * endpoint id. Used for end-to-end vectors stated as request counts.
 */
import { createHostSelector, type HostSelector } from '../envoy/host-selector.js';
import { createLocalityPicker, type LocalityPicker } from '../envoy/locality-wrr.js';
import { choosePriority, computePriorityLoads } from '../envoy/priority-load.js';
import { levelHealth, priorityLevelsOf } from '../envoy/priority-set.js';
import type { Rng } from '../rng.js';
import type { ClusterConfig, ClusterLoadAssignment, LbEndpoint } from '../xds-types.js';

interface LevelPickers {
  locality?: LocalityPicker;
  byLocality: Array<{ hosts: LbEndpoint[]; selector: HostSelector }>;
  flat: { hosts: LbEndpoint[]; selector: HostSelector };
}

export function simulatePicks(cla: ClusterLoadAssignment, config: ClusterConfig, requests: number, rng: Rng): Map<string, number> {
  const levels = priorityLevelsOf(cla);
  const loads = computePriorityLoads(levelHealth(levels), config.overprovisioningFactor, config.healthyPanicThresholdPct);
  const idle = (h: LbEndpoint) => ({ weight: h.weight, activeRequests: 0 });
  const pickers: LevelPickers[] = levels.map((level) => {
    const byLocality = level.groups.map((g) => ({ hosts: g.endpoints, selector: createHostSelector(config.lbPolicy, g.endpoints.map(idle), rng) }));
    const flat = { hosts: level.hosts, selector: createHostSelector(config.lbPolicy, level.hosts.map(idle), rng) };
    if (!config.localityWeighted) return { byLocality, flat };
    const locality = createLocalityPicker(
      level.groups.map((g) => ({ weight: g.weight, eligibleHosts: g.endpoints.length, hostCount: g.endpoints.length })),
      config.overprovisioningFactor,
    );
    return { locality, byLocality, flat };
  });
  const counts = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const { priority } = choosePriority(loads, rng.int(100) + 1);
    const p = pickers[priority];
    if (p === undefined) continue;
    let hosts = p.flat.hosts;
    let selector = p.flat.selector;
    if (p.locality !== undefined) {
      const li = p.locality.pick();
      const chosen = p.byLocality[li];
      if (chosen !== undefined) {
        hosts = chosen.hosts;
        selector = chosen.selector;
      }
    }
    const h = hosts[selector.pick()];
    if (h !== undefined) counts.set(h.id, (counts.get(h.id) ?? 0) + 1);
  }
  return counts;
}
