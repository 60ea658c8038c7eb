/**
 * The Envoy-side settings a client proxy ends up with for a service, each marked as set by the
 * DestinationRule/Istio or left at its default.
 */
import type { DestinationRule } from '../../model/destination-rule.js';
import { formatDurationUs } from '../../model/duration.js';
import { maxEjectableHosts } from '../envoy/max-ejection.js';
import { ENVOY_OUTLIER_DEFAULTS, resolveEnvoyOutlierDetection } from '../envoy/outlier-config.js';
import { buildClusterConfig } from '../istiod/cluster-config.js';
import { resolveLocalityLbSetting, type TrafficDistribution } from '../istiod/locality-lb.js';
import { applyOutlierDetection } from '../istiod/outlier-mapping.js';
import { defaultRetryPolicy } from '../istiod/retry-policy.js';
import type { IstioProfile } from '../istio-profile.js';
import type { ClusterConfig, RetryPolicy } from '../xds-types.js';

/** One setting: its value as text and whether Istio/the rule set it or Envoy's default applies. */
export interface SettingValue {
  name: string;
  value: string;
  isDefault: boolean;
}

export interface EffectiveSettings {
  cluster: ClusterConfig;
  /** How istiod treats locality for this rule: `off`, `priorities`, `failover`, `failoverPriority`, `distribute`. */
  localityMode: 'off' | 'priorities' | 'failover' | 'failoverPriority' | 'failoverPriority+failover' | 'distribute';
  lb: SettingValue[];
  /** Envoy outlier_detection fields; empty without outlierDetection. */
  outlier: SettingValue[];
  retry: RetryPolicy;
  /** Hosts of the cluster (all priorities) and how many may be ejected at once. */
  ejection: { hostCount: number; maxEjectable: number; rule: 'strict' | 'old' } | undefined;
}

const OUTLIER_FIELDS: Array<[keyof typeof ENVOY_OUTLIER_DEFAULTS | 'maxEjectionTimeUs', string]> = [
  ['consecutive5xx', 'consecutive_5xx'],
  ['enforcingConsecutive5xx', 'enforcing_consecutive_5xx'],
  ['consecutiveGatewayFailure', 'consecutive_gateway_failure'],
  ['enforcingConsecutiveGatewayFailure', 'enforcing_consecutive_gateway_failure'],
  ['intervalUs', 'interval'],
  ['baseEjectionTimeUs', 'base_ejection_time'],
  ['maxEjectionTimeUs', 'max_ejection_time'],
  ['maxEjectionPercent', 'max_ejection_percent'],
  ['enforcingSuccessRate', 'enforcing_success_rate'],
  ['splitExternalLocalOriginErrors', 'split_external_local_origin_errors'],
];

/** Effective settings for a DestinationRule (undefined = none) on a cluster of `hostCount` hosts. */
export function effectiveSettings(dr: DestinationRule | undefined, profile: IstioProfile, hostCount: number, trafficDistribution?: TrafficDistribution): EffectiveSettings {
  const tp = dr?.trafficPolicy;
  const cluster = buildClusterConfig(tp, profile, undefined, trafficDistribution);
  const { setting, force } = resolveLocalityLbSetting({ mesh: undefined, dr: tp?.loadBalancer?.localityLbSetting, trafficDistribution, profile });
  const hasOd = force || tp?.outlierDetection !== undefined;
  let localityMode: EffectiveSettings['localityMode'] = 'off';
  if (setting !== undefined) {
    if ((setting.distribute ?? []).length > 0) localityMode = 'distribute';
    else if (!hasOd) localityMode = 'off';
    else if ((setting.failoverPriority ?? []).length > 0) localityMode = (setting.failover ?? []).length > 0 && profile.failoverWithFailoverPriority ? 'failoverPriority+failover' : 'failoverPriority';
    else if ((setting.failover ?? []).length > 0) localityMode = 'failover';
    else localityMode = 'priorities';
  }
  const simple = tp?.loadBalancer?.simple;
  const lb: SettingValue[] = [
    { name: 'lb_policy', value: cluster.lbPolicy, isDefault: simple === undefined || simple === 'UNSPECIFIED' },
    { name: 'locality_weighted_lb_config', value: cluster.localityWeighted ? 'set' : 'unset', isDefault: !cluster.localityWeighted },
    { name: 'healthy_panic_threshold', value: `${cluster.healthyPanicThresholdPct}%`, isDefault: !hasOd },
    { name: 'overprovisioning_factor', value: String(cluster.overprovisioningFactor), isDefault: true },
  ];
  const mapping = applyOutlierDetection(tp?.outlierDetection, profile);
  const outlier: SettingValue[] = [];
  if (mapping !== undefined) {
    const resolved = resolveEnvoyOutlierDetection(mapping.proto);
    for (const [field, name] of OUTLIER_FIELDS) {
      const v = resolved[field];
      const text = field.endsWith('Us') ? formatDurationUs(v as number) : field === 'maxEjectionPercent' ? `${String(v)}%` : String(v);
      outlier.push({ name, value: text, isDefault: (mapping.proto as Record<string, unknown>)[field] === undefined });
    }
  }
  const ejection =
    cluster.outlier === undefined
      ? undefined
      : {
          hostCount,
          maxEjectable: maxEjectableHosts(hostCount, cluster.outlier.maxEjectionPercent, profile.strictMaxEjectionPercent),
          rule: profile.strictMaxEjectionPercent ? ('strict' as const) : ('old' as const),
        };
  return {
    cluster,
    localityMode,
    lb,
    outlier,
    retry: defaultRetryPolicy(profile, { consistentHash: tp?.loadBalancer?.consistentHash !== undefined }),
    ejection,
  };
}
