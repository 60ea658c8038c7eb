/**
 * Istio behaviour profiles (product.md §6, sources in mesh-behaviour.md). A profile is the set of
 * version-dependent switches the model and the simulator consult; `--istio 1.18` selects one.
 */
export interface IstioProfile {
  /** `major.minor`, e.g. `1.24`. */
  version: string;
  minor: number;
  /** Default LB when the DestinationRule sets none: ROUND_ROBIN ≤1.13, LEAST_REQUEST ≥1.14 (commit e048ab8b983). */
  defaultLb: 'ROUND_ROBIN' | 'LEAST_REQUEST';
  /** Deprecated `outlierDetection.consecutiveErrors` honoured ≤1.6, ignored from 1.7 (commit a291ab60276). */
  honorsConsecutiveErrors: boolean;
  /** Default retry policy retries upstream 503 responses ≤1.23; not from 1.24 (EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY). */
  retries503: boolean;
  /**
   * Envoy's strict max-ejection-percent rule `100*(ejected+1)/total <= max` (runtime guard
   * `check_mep_on_first_eject`, envoy#27909, listed in Envoy's changelogs/1.28.0.yaml; Istio 1.20 ships
   * Envoy 1.28). Before that `100*ejected/total < max`, which always allowed the first ejection.
   * Istio 1.19's pinned Envoy (istio.deps proxy 3ac8014570d7) could not be checked: 1.19 keeps the old
   * rule, the Envoy release that documents the change being the confirmed boundary.
   */
  strictMaxEjectionPercent: boolean;
  /**
   * `failoverPriority` exists in the DestinationRule API from 1.12; before, the CRD's structural
   * schema (no x-kubernetes-preserve-unknown-fields) prunes the field, so only `failover` applies
   * (istio manifests/charts/base/crds/crd-all.gen.yaml at tag 1.11.0).
   */
  supportsFailoverPriority: boolean;
  /**
   * `failover` is applied after `failoverPriority` when both are set from 1.20; 1.12–1.19 return
   * right after applyPriorityFailover, ignoring `failover` (loadbalancer.go ApplyLocalityLBSetting at
   * tags 1.18.0, 1.19.0, 1.20.0).
   */
  failoverWithFailoverPriority: boolean;
  /**
   * PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS (commit a7c9ae034fb, #60690, first in 1.31): not-ready
   * endpoints go to Envoy as UNHEALTHY unless the DR's outlierDetection sets minHealthPercent > 0,
   * and the panic threshold is 0 when the DR has no outlierDetection (endpoint_builder.go
   * supportsUnhealthyEndpoints; cluster_traffic_policy.go applyLoadBalancer).
   */
  autoSendUnhealthyEndpoints: boolean;
  /**
   * How istiod reads a Service's `trafficDistribution` for sidecars: ignored ≤1.24 (only the ambient
   * controller read it); 1.25–1.26 PreferClose → failoverPriority network, region, zone, subzone;
   * from 1.27 PreferClose/PreferSameZone → network, region, zone and PreferSameNode → … subzone,
   * hostname (loadbalancer.go GetLocalityLbSetting / GetEffectiveLbSetting, model/service.go
   * GetTrafficDistribution, per tag).
   */
  trafficDistribution: 'ignored' | 'prefer-close-subzone' | 'same-zone-or-node';
  /** failoverPriority network key "preferred but not required" (commit b6787c1, ≥1.31). */
  networkFailoverPriorityRule: boolean;
  /** `host_selection_retry_max_attempts`: 3 in 1.1, 5 since 1.2 (commit d557ad36c9a). */
  hostSelectionRetryMaxAttempts: number;
  /** Locality LB on by default in MeshConfig since 1.6 (commit d30fe6ee9ac). */
  localityLbDefaultOn: boolean;
  /**
   * ENABLE_NATIVE_SIDECARS defaults to `auto` from 1.27 (pilot/pkg/features/pilot.go), which turns
   * native sidecars on where the nodes support them (Kubernetes ≥ 1.33); before, off by default.
   */
  nativeSidecarsByDefault: boolean;
}

export const OLDEST_MINOR = 6;
export const NEWEST_MINOR = 31;
export const DEFAULT_ISTIO_VERSION = `1.${NEWEST_MINOR}`;

/** Every supported `major.minor`, oldest first. */
export function supportedIstioVersions(): string[] {
  const out: string[] = [];
  for (let m = OLDEST_MINOR; m <= NEWEST_MINOR; m++) out.push(`1.${m}`);
  return out;
}

/**
 * Profile for a version string such as `1.24`, `1.24.2` or `v1.18`; undefined when unsupported.
 * Patch releases share their minor's behaviour.
 */
export function istioProfile(version: string): IstioProfile | undefined {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:-[\w.]+)?$/.exec(version.trim());
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) return undefined;
  return {
    version: `1.${minor}`,
    minor,
    defaultLb: minor <= 13 ? 'ROUND_ROBIN' : 'LEAST_REQUEST',
    honorsConsecutiveErrors: minor <= 6,
    retries503: minor <= 23,
    strictMaxEjectionPercent: minor >= 20,
    supportsFailoverPriority: minor >= 12,
    failoverWithFailoverPriority: minor >= 20,
    autoSendUnhealthyEndpoints: minor >= 31,
    trafficDistribution: minor <= 24 ? 'ignored' : minor <= 26 ? 'prefer-close-subzone' : 'same-zone-or-node',
    networkFailoverPriorityRule: minor >= 31,
    hostSelectionRetryMaxAttempts: 5,
    localityLbDefaultOn: minor >= 6,
    nativeSidecarsByDefault: minor >= 27,
  };
}
