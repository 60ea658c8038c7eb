/**
 * Locality-weighted picking inside a priority (only when the cluster has
 * `locality_weighted_lb_config`, mesh-behaviour.md §1.8).
 */
import { EdfScheduler } from './edf-scheduler.js';

/**
 * `localityWeight × min(1, OPF/100 × eligible / hosts)`; 0 for a locality without hosts.
 * `hostCount` excludes excluded hosts; eligible = healthy (or degraded, for degraded picks).
 * Mirrors envoy locality_wrr.cc LocalityWrr::effectiveLocalityWeight.
 */
export function effectiveLocalityWeight(
  localityWeight: number,
  eligibleHosts: number,
  hostCount: number,
  overprovisioningFactor: number,
): number {
  if (hostCount === 0) return 0;
  const availability = eligibleHosts / hostCount;
  return localityWeight * Math.min(1, (overprovisioningFactor / 100) * availability);
}

/** One locality of a priority as the picker sees it. */
export interface LocalityCandidate {
  /** `load_balancing_weight` of the locality group. */
  weight: number;
  eligibleHosts: number;
  /** Hosts of the locality (excluded hosts already removed). */
  hostCount: number;
}

/** Picks a locality index; -1 when no locality has a positive effective weight. */
export interface LocalityPicker {
  pick(): number;
  /** Effective weights used, by locality index. */
  readonly effectiveWeights: readonly number[];
}

/**
 * EDF over effective locality weights (localities with 0 are skipped); no scheduler when no host
 * is eligible. `seedPicks` randomises the starting point as Envoy does (0 = plain EDF).
 * Mirrors envoy locality_wrr.cc LocalityWrr::rebuildLocalityScheduler / chooseLocality.
 */
export function createLocalityPicker(
  localities: readonly LocalityCandidate[],
  overprovisioningFactor: number,
  seedPicks = 0,
): LocalityPicker {
  const eff = localities.map((l) => effectiveLocalityWeight(l.weight, l.eligibleHosts, l.hostCount, overprovisioningFactor));
  const anyEligible = localities.some((l) => l.eligibleHosts > 0);
  const weightOf = (i: number) => eff[i] ?? 0;
  const scheduler = anyEligible ? EdfScheduler.create(eff.length, weightOf, seedPicks) : undefined;
  return {
    effectiveWeights: eff,
    pick: () => (scheduler === undefined ? -1 : scheduler.pick(weightOf)),
  };
}
