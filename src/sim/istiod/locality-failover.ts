import type { LocalityFailover } from '../../model/destination-rule.js';
import type { Locality } from '../../model/locality.js';
import { isUnsetLocality, lbPriority } from './locality.js';
import { cloneGroup, compactPriorities, type WorkingGroup } from './working-group.js';

/**
 * Region/zone/subzone failover priorities relative to the client proxy, composed with any priority
 * a previous failoverPriority pass assigned (`previous*5 + p`), then compacted to 0..N-1.
 * Raw priority 3 (another region) becomes 4 when the first `failover` entry whose `from` is the
 * client's region names a different `to` (or the group has no locality).
 * Mirrors istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go applyLocalityFailover.
 */
export function applyLocalityFailover(
  groups: readonly WorkingGroup[],
  proxyLocality: Locality,
  failover: readonly LocalityFailover[] | undefined,
): WorkingGroup[] {
  const rule = (failover ?? []).find((f) => f.from === proxyLocality.region);
  const out = groups.map((g) => {
    let p = lbPriority(proxyLocality, g.locality);
    if (p === 3 && rule !== undefined && (isUnsetLocality(g.locality) || g.locality.region !== rule.to)) p = 4;
    const next = cloneGroup(g);
    next.priority = g.priority * 5 + p;
    return next;
  });
  compactPriorities(out);
  return out;
}
