import type { LocalityLbSetting, TrafficPolicy } from '../../model/destination-rule.js';
import { resolveEnvoyOutlierDetection, toEnvoyOutlierConfig } from '../envoy/outlier-config.js';
import type { IstioProfile } from '../istio-profile.js';
import type { ClusterConfig } from '../xds-types.js';
import { resolveLocalityLbSetting, usesLocalityWeightedLbConfig, type TrafficDistribution } from './locality-lb.js';
import { applyOutlierDetection } from './outlier-mapping.js';
import { circuitBreakersOf } from './circuit-breakers.js';

/** Istio never sets ClusterLoadAssignment.policy.overprovisioning_factor: Envoy's 140 applies. */
export const DEFAULT_OVERPROVISIONING_FACTOR = 140;
/** Envoy's healthy_panic_threshold default when Istio leaves it unset (no outlierDetection). */
export const ENVOY_DEFAULT_PANIC_THRESHOLD_PCT = 50;

/**
 * The LB policy Envoy runs: the DR `simple` value (LEAST_CONN is LEAST_REQUEST), else the
 * profile default (ROUND_ROBIN ≤1.13, LEAST_REQUEST from 1.14). PASSTHROUGH and consistentHash
 * (ring hash / maglev) are not modelled: the simple/default policy is used and explain warns.
 * Mirrors istio cluster_traffic_policy.go applyLoadBalancer / defaultLBAlgorithm.
 */
export function lbPolicyOf(trafficPolicy: TrafficPolicy | undefined, profile: IstioProfile): ClusterConfig['lbPolicy'] {
  switch (trafficPolicy?.loadBalancer?.simple) {
    case 'LEAST_CONN':
    case 'LEAST_REQUEST':
      return 'LEAST_REQUEST';
    case 'RANDOM':
      return 'RANDOM';
    case 'ROUND_ROBIN':
      return 'ROUND_ROBIN';
    default:
      return profile.defaultLb;
  }
}

/**
 * The panic threshold Envoy gets. With outlierDetection: minHealthPercent (0 when omitted), forced
 * to 0 when the service forces sending unhealthy endpoints (trafficDistribution). Without it: 0 when
 * the service supports unhealthy endpoints (trafficDistribution, or 1.31's
 * PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS), else unset, Envoy's 50.
 * Mirrors istio cluster_traffic_policy.go applyOutlierDetection (minHealthPercent) and
 * applyLoadBalancer (`HealthyPanicThreshold == nil && svc.SupportsUnhealthyEndpoints()`).
 */
export function panicThresholdPct(mappedMinHealthPct: number | undefined, trafficDistributionForced: boolean, profile: IstioProfile): number {
  if (mappedMinHealthPct !== undefined) return trafficDistributionForced ? 0 : mappedMinHealthPct;
  return trafficDistributionForced || profile.autoSendUnhealthyEndpoints ? 0 : ENVOY_DEFAULT_PANIC_THRESHOLD_PCT;
}

/**
 * The CDS side of the service's Envoy cluster: LB policy, locality-weighted picking, panic
 * threshold (panicThresholdPct), outlier detector with Envoy defaults filled in, overprovisioning 140.
 * A connectionPool gives the circuit breakers (circuit-breakers.ts).
 * A Service trafficDistribution setting enables failover without outlier detection (Force).
 * Mirrors istio cluster_traffic_policy.go applyTrafficPolicy (applyOutlierDetection,
 * applyLoadBalancer, LocalityLBSettings.ApplyToCluster).
 */
export function buildClusterConfig(
  trafficPolicy: TrafficPolicy | undefined,
  profile: IstioProfile,
  meshLocalityLbSetting?: LocalityLbSetting,
  trafficDistribution?: TrafficDistribution,
): ClusterConfig {
  const mapping = applyOutlierDetection(trafficPolicy?.outlierDetection, profile);
  const { setting, force } = resolveLocalityLbSetting({
    mesh: meshLocalityLbSetting,
    dr: trafficPolicy?.loadBalancer?.localityLbSetting,
    trafficDistribution,
    profile,
  });
  const config: ClusterConfig = {
    lbPolicy: lbPolicyOf(trafficPolicy, profile),
    localityWeighted: usesLocalityWeightedLbConfig(setting, force || mapping !== undefined),
    healthyPanicThresholdPct: panicThresholdPct(mapping?.healthyPanicThresholdPct, force, profile),
    overprovisioningFactor: DEFAULT_OVERPROVISIONING_FACTOR,
  };
  if (trafficPolicy?.connectionPool !== undefined) config.circuitBreakers = circuitBreakersOf(trafficPolicy.connectionPool);
  if (mapping) config.outlier = toEnvoyOutlierConfig(resolveEnvoyOutlierDetection(mapping.proto));
  return config;
}
