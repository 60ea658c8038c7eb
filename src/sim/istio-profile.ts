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
   * Envoy's strict max-ejection-percent rule `100*(ejected+1)/total <= max` (envoy#27624/#27909, Envoy 1.27 ≈ Istio 1.19);
   * before that `100*ejected/total < max`, which always allowed the first ejection.
   */
  strictMaxEjectionPercent: boolean;
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
    strictMaxEjectionPercent: minor >= 19,
    networkFailoverPriorityRule: minor >= 31,
    hostSelectionRetryMaxAttempts: 5,
    localityLbDefaultOn: minor >= 6,
    nativeSidecarsByDefault: minor >= 27,
  };
}
