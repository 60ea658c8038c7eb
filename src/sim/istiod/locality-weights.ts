import type { LocalityDistribute } from '../../model/destination-rule.js';
import type { Locality } from '../../model/locality.js';
import { localityMatch } from './locality.js';
import { cloneGroup, type WorkingGroup } from './working-group.js';

/**
 * Apply `distribute`: the first entry whose `from` matches the client locality wins; for each `to`
 * pattern (file order — istiod iterates a Go map, so overlapping patterns are nondeterministic
 * there), the groups it claims first share its weight in proportion to their current weights
 * (nil counts as 1), each getting `ceil(groupWeight * toWeight / total)` when that is > 0.
 * Groups no pattern claims lose all their endpoints. Endpoint weights are unchanged; priorities too.
 * Mirrors istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go applyLocalityWeights.
 */
export function applyLocalityWeights(
  groups: readonly WorkingGroup[],
  proxyLocality: Locality,
  distribute: readonly LocalityDistribute[],
): WorkingGroup[] {
  const rule = distribute.find((d) => localityMatch(proxyLocality, d.from));
  const out = groups.map(cloneGroup);
  if (rule === undefined) return out;
  const unclaimed = new Set(out.map((_, i) => i));
  for (const to of rule.to) {
    const claimed: Array<[number, number]> = [];
    let total = 0;
    out.forEach((g, i) => {
      if (!unclaimed.has(i) || !localityMatch(g.locality, to.locality)) return;
      unclaimed.delete(i);
      const w = g.weight ?? 1;
      claimed.push([i, w]);
      total += w;
    });
    for (const [i, w] of claimed) {
      const dest = total === 0 ? 0 : (w * to.weight) / total;
      const g = out[i];
      if (dest > 0 && g) g.weight = Math.ceil(dest);
    }
  }
  for (const i of unclaimed) {
    const g = out[i];
    if (g) {
      g.endpoints = [];
      g.labels = [];
    }
  }
  return out;
}
