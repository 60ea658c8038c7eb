import type { LocalityLbSetting } from '../../model/destination-rule.js';
import type { Locality } from '../../model/locality.js';
import type { IstioProfile } from '../istio-profile.js';
import { applyFailoverPriorities } from './failover-priority.js';
import { applyLocalityFailover } from './locality-failover.js';
import { applyLocalityWeights } from './locality-weights.js';
import { cloneGroup, type WorkingGroup } from './working-group.js';

/** MeshConfig default `localityLbSetting: {enabled: true}` (pkg/config/mesh/mesh.go DefaultMeshConfig, since 1.6). */
export function defaultMeshLocalityLbSetting(profile: IstioProfile): LocalityLbSetting | undefined {
  return profile.localityLbDefaultOn ? { enabled: true } : undefined;
}

/**
 * The locality setting in force: a DestinationRule `localityLbSetting` replaces the mesh one
 * entirely (not merged); `enabled: false` at the level that wins means no locality LB at all.
 * Service trafficDistribution and zone-aware settings are not modelled here.
 * Mirrors istio loadbalancer.go GetEffectiveLbSetting (DR > mesh).
 */
export function getEffectiveLbSetting(
  meshSetting: LocalityLbSetting | undefined,
  drSetting: LocalityLbSetting | undefined,
): LocalityLbSetting | undefined {
  if (drSetting !== undefined) return drSetting.enabled === false ? undefined : drSetting;
  if (meshSetting !== undefined) return meshSetting.enabled === false ? undefined : meshSetting;
  return undefined;
}

/**
 * Whether Envoy gets `common_lb_config.locality_weighted_lb_config` (then it picks a locality by
 * weight inside the chosen priority): `distribute` set, or failover enabled (outlier detection) with
 * an explicit `failover` or `failoverPriority`. ENABLE_LOCALITY_WEIGHTED_LB_CONFIG (default false)
 * is not modelled. An empty list is unset (a proto repeated field cannot be empty-but-set).
 * Mirrors istio loadbalancer.go LocalityLBSettings.ApplyToCluster.
 */
export function usesLocalityWeightedLbConfig(setting: LocalityLbSetting | undefined, enableFailover: boolean): boolean {
  if (setting === undefined) return false;
  if (nonEmpty(setting.distribute)) return true;
  return enableFailover && (nonEmpty(setting.failover) || nonEmpty(setting.failoverPriority));
}

/**
 * istiod's per-proxy locality step on an EDS assignment: `distribute` weights when set (failover is
 * then never applied, and no outlier detection is needed); else, only when failover is enabled
 * (the DestinationRule has outlierDetection), failoverPriority labels (plus `failover` regions when
 * both are set) or the default region/zone/subzone ranking with optional `failover`.
 * Mirrors istio loadbalancer.go ApplyLocalityLoadBalancer.
 */
export function applyLocalityLoadBalancer(
  groups: readonly WorkingGroup[],
  proxy: { locality: Locality; labels: Readonly<Record<string, string>> },
  setting: LocalityLbSetting | undefined,
  enableFailover: boolean,
  profile: IstioProfile,
): WorkingGroup[] {
  if (setting === undefined) return groups.map(cloneGroup);
  if (setting.distribute !== undefined && setting.distribute.length > 0) {
    return applyLocalityWeights(groups, proxy.locality, setting.distribute);
  }
  if (!enableFailover) return groups.map(cloneGroup);
  const keys = setting.failoverPriority ?? [];
  if (keys.length > 0) {
    const byLabels = applyFailoverPriorities(groups, proxy.labels, keys, profile);
    return (setting.failover ?? []).length > 0 ? applyLocalityFailover(byLabels, proxy.locality, setting.failover) : byLabels;
  }
  return applyLocalityFailover(groups, proxy.locality, setting.failover);
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}
