/**
 * Envoy's max_ejection_percent gate, in both the current and the pre-2023 form.
 */

/**
 * Whether one more host may be ejected. Strict rule (Envoy ≥ 1.27, envoy#27624/#27909):
 * `100 × (ejected + 1) / total <= max`; old rule: `100 × ejected / total < max`, which always
 * allowed the first ejection. `alwaysEjectOneHost` (never set by Istio) allows it when none is
 * ejected. `total` counts every host of the cluster across priorities.
 * Mirrors envoy outlier_detection_impl.cc DetectorImpl::ejectHost.
 */
export function ejectionAllowed(
  ejectedNow: number,
  totalHosts: number,
  maxEjectionPercent: number,
  strict: boolean,
  alwaysEjectOneHost = false,
): boolean {
  if (totalHosts <= 0) return false;
  const max = Math.min(100, maxEjectionPercent);
  if (alwaysEjectOneHost && ejectedNow === 0) return true;
  return strict ? (100 * (ejectedNow + 1)) / totalHosts <= max : (100 * ejectedNow) / totalHosts < max;
}

/** How many hosts can be ejected at the same time (0 = outlier detection can never eject). */
export function maxEjectableHosts(totalHosts: number, maxEjectionPercent: number, strict: boolean): number {
  let k = 0;
  while (k < totalHosts && ejectionAllowed(k, totalHosts, maxEjectionPercent, strict)) k++;
  return k;
}
