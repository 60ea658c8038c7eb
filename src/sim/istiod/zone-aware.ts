import type { LocalityFailover } from '../../model/destination-rule.js';
import type { Locality } from '../../model/locality.js';
import type { IstioProfile } from '../istio-profile.js';
import { applyFailoverPriorities } from './failover-priority.js';
import { cloneGroup, compactPriorities, type WorkingGroup } from './working-group.js';

/** DestinationRule / MeshConfig `zoneAwareLbSetting` (Istio master / 1.31+), the fields istiod reads. */
export interface ZoneAwareLbSetting {
  /** Absent = on. */
  enabled?: boolean;
  failover?: LocalityFailover[];
  failoverPriority?: string[];
}

/**
 * Region-only bucketing: same region 0, the `to` region of the first `failover` entry from the
 * client's region 1, any other region 2; composed with a previous priority as `previous*3 + p`,
 * then compacted. Zones inside P0 are balanced by Envoy zone-aware routing (not modelled here).
 * Mirrors istio loadbalancer.go applyZoneAwareRegionalFailover.
 */
export function applyZoneAwareRegionalFailover(
  groups: readonly WorkingGroup[],
  proxyLocality: Locality,
  failover: readonly LocalityFailover[] | undefined,
): WorkingGroup[] {
  const rule = (failover ?? []).find((f) => f.from === proxyLocality.region);
  const out = groups.map((g) => {
    const region = g.locality.region;
    let p = 2;
    if (region === proxyLocality.region) p = 0;
    else if (rule !== undefined && region === rule.to) p = 1;
    const next = cloneGroup(g);
    next.priority = g.priority * 3 + p;
    return next;
  });
  compactPriorities(out);
  return out;
}

/**
 * The zone-aware setting's EDS step: nothing when `enabled: false`; otherwise failoverPriority
 * (if any) then region bucketing, always (no outlier detection needed: zone-aware forces failover).
 * Mirrors istio loadbalancer.go ZoneAwareLBSettings.ApplyToLoadAssignment / ApplyZoneAwareLoadBalancer.
 */
export function applyZoneAwareLoadBalancer(
  groups: readonly WorkingGroup[],
  proxy: { locality: Locality; labels: Readonly<Record<string, string>> },
  setting: ZoneAwareLbSetting,
  profile: IstioProfile,
): WorkingGroup[] {
  if (setting.enabled === false) return groups.map(cloneGroup);
  let out = [...groups];
  if ((setting.failoverPriority ?? []).length > 0) {
    out = applyFailoverPriorities(out, proxy.labels, setting.failoverPriority ?? [], profile);
  }
  return applyZoneAwareRegionalFailover(out, proxy.locality, setting.failover);
}
