import type { LocalityLbSetting } from '../../model/destination-rule.js';
import type { Locality } from '../../model/locality.js';
import type { ScenarioRequest } from '../../model/scenario.js';
import type { IstioProfile } from '../istio-profile.js';
import { applyFailoverPriorities } from './failover-priority.js';
import { LABEL_HOSTNAME, LABEL_NETWORK, LABEL_REGION, LABEL_SUBZONE, LABEL_ZONE } from './labels.js';
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

/** A Kubernetes Service `spec.trafficDistribution` value istiod may act on. */
export type TrafficDistribution = NonNullable<ScenarioRequest['trafficDistribution']>;

/** The locality setting in force and whether failover is forced without outlier detection. */
export interface ResolvedLbSetting {
  setting: LocalityLbSetting | undefined;
  /** A trafficDistribution setting: failover applies without outlierDetection (`Force: true`). */
  force: boolean;
}

/**
 * The synthetic setting a Service's `trafficDistribution` stands for, per Istio version: none ≤1.24
 * (sidecars ignored it); 1.25–1.26 PreferClose → failoverPriority network, region, zone, subzone
 * (other values unknown); from 1.27 PreferClose and PreferSameZone → network, region, zone, and
 * PreferSameNode → network, region, zone, subzone, hostname.
 * Mirrors istio loadbalancer.go GetLocalityLbSetting (1.25–1.30) / GetEffectiveLbSetting (1.31) and
 * model/service.go (kube/conversion.go in 1.25–1.26) GetTrafficDistribution.
 */
export function trafficDistributionSetting(td: TrafficDistribution | undefined, profile: IstioProfile): LocalityLbSetting | undefined {
  if (td === undefined || profile.trafficDistribution === 'ignored') return undefined;
  if (profile.trafficDistribution === 'prefer-close-subzone') {
    return td === 'PreferClose' ? { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE, LABEL_SUBZONE] } : undefined;
  }
  if (td === 'PreferSameNode') {
    return { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE, LABEL_SUBZONE, LABEL_HOSTNAME] };
  }
  return { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE] };
}

/**
 * The setting in force for one service: the DestinationRule's (`enabled: false` = none), else the
 * Service's trafficDistribution (forced), else the mesh's. `failoverPriority` is dropped before
 * 1.12: the CRD schema of those versions prunes the unknown field.
 */
export function resolveLocalityLbSetting(opts: {
  mesh: LocalityLbSetting | undefined;
  dr: LocalityLbSetting | undefined;
  trafficDistribution?: TrafficDistribution | undefined;
  profile: IstioProfile;
}): ResolvedLbSetting {
  const td = opts.dr === undefined ? trafficDistributionSetting(opts.trafficDistribution, opts.profile) : undefined;
  const raw = td ?? getEffectiveLbSetting(opts.mesh ?? defaultMeshLocalityLbSetting(opts.profile), opts.dr);
  if (raw === undefined || opts.profile.supportsFailoverPriority || raw.failoverPriority === undefined) {
    return { setting: raw, force: td !== undefined };
  }
  const { failoverPriority: _pruned, ...rest } = raw;
  return { setting: rest, force: false };
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
 * (the DestinationRule has outlierDetection, or trafficDistribution forces it), failoverPriority
 * labels (plus `failover` regions when both are set, from 1.20; failoverPriority exists from 1.12) or the default region/zone/subzone ranking with optional `failover`.
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
  const keys = profile.supportsFailoverPriority ? (setting.failoverPriority ?? []) : [];
  if (keys.length > 0) {
    const byLabels = applyFailoverPriorities(groups, proxy.labels, keys, profile);
    // 1.12–1.19: `applyPriorityFailover(...); return` — failover is ignored next to failoverPriority.
    const combine = profile.failoverWithFailoverPriority && (setting.failover ?? []).length > 0;
    return combine ? applyLocalityFailover(byLabels, proxy.locality, setting.failover) : byLabels;
  }
  return applyLocalityFailover(groups, proxy.locality, setting.failover);
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}
