import type { Distribution, FailoverSummary } from './result.js';

/**
 * Censored failover figures (product.md §4, docs/measures.md): a trial that never recovered (or
 * never failed back) has no time, but it is not a missing trial: it is worse than every measured
 * one. Its figure is kept as a value above every other, so a percentile whose nearest rank reaches
 * those trials reads "not recovered" instead of silently describing only the trials that did.
 */

/** Statistics of a `Distribution`. */
export type DistributionStat = 'min' | 'p50' | 'p90' | 'p99' | 'max' | 'mean';

/** Nearest-rank fraction of each percentile stat. */
const RANK: Record<Exclude<DistributionStat, 'mean'>, number> = { min: 0, p50: 0.5, p90: 0.9, p99: 0.99, max: 1 };

/** Trials without a time for a censored figure (recovery, failback); 0 for the others. */
export function censoredTrials(f: FailoverSummary, key: 'recoveryMs' | 'firstFailoverSuccessMs' | 'failbackMs' | 'errorsDuringFailover'): number {
  if (key === 'recoveryMs') return f.notRecovered;
  if (key === 'failbackMs') return f.notFailedBack;
  return 0;
}

/**
 * True when `stat` of a figure with `measured` values (`d.n`, or none) and `censored` values above
 * them depends on a censored value: its nearest rank ⌈p·(n + c)⌉ falls past the measured ones, or
 * it is the mean or max of a set holding a censored value.
 * @example reachesCensored({ n: 5, … }, 5, 'p50') // false: rank ⌈0.5 · 10⌉ = 5 is measured; 'p90' → true
 */
export function reachesCensored(d: Distribution | null, censored: number, stat: DistributionStat): boolean {
  if (censored <= 0) return false;
  const n = d?.n ?? 0;
  if (stat === 'mean' || stat === 'max') return true;
  const total = n + censored;
  const rank = Math.max(1, Math.ceil(RANK[stat] * total - 1e-9));
  return rank > n;
}
