/**
 * Tests with trials as the unit, and exact tests for small samples (pure, deterministic).
 *
 * - `mannWhitneyValues(a, b)` — Mann-Whitney U on plain values: the exact permutation
 *   distribution of the rank sum (ties kept as mid-ranks) when the pooled sample is ≤ 30, else the
 *   normal approximation. `Infinity` stands for a censored value (a trial that never recovered):
 *   censored values rank worst and tie with each other, which is the Gehan-style treatment of
 *   right-censored data where censoring happens only at the end of the observation.
 * - `fisherExact(a, b)` — Fisher's exact test on a 2 × 2 table (two-sided: the sum of the
 *   probabilities of every table with the same margins no more likely than the observed one).
 * - `clusteredShareInterval(parts)` — a 95% interval on a pooled share (errors / requests, one
 *   version's share) whose requests come in clusters (trials): Wilson's interval on the effective
 *   sample size n / design effect, the design effect taken from the between-trial variance of the
 *   ratio estimator.
 */
import { logGamma, normalTwoSided } from './special-functions.js';
import { wilsonInterval, Z95 } from './stats.js';

/** Largest pooled sample for which the exact rank-sum distribution is computed. */
export const EXACT_MANN_WHITNEY_MAX_N = 30;

/** Outcome of `mannWhitneyValues`. */
export interface RankTest {
  /** U of `a`: pairs (x from a, y from b) with x > y, plus half the ties. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  /** P(X > Y) + ½ P(X = Y); 0.5 = no shift. */
  probabilityOfSuperiority: number;
  /** `exact` (permutation distribution with ties) or `normal` (tie- and continuity-corrected). */
  method: 'exact' | 'normal';
}

/** Mid-ranks (1-based) of the pooled values, doubled so they are integers. */
function doubledMidRanks(pooled: readonly number[]): { ranks2: number[]; tieTerm: number } {
  const order = pooled.map((v, i) => [v, i] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const ranks2 = new Array<number>(pooled.length).fill(0);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    // Mid-rank of positions i..j (1-based) is (i + j + 2) / 2; doubled: i + j + 2.
    for (let k = i; k <= j; k++) ranks2[order[k]![1]] = i + j + 2;
    i = j + 1;
  }
  return { ranks2, tieTerm };
}

/**
 * Probability of each doubled rank sum of `na` items drawn without replacement from `ranks2`
 * (every subset equally likely under the null), indexed by the sum.
 */
function rankSumDistribution(ranks2: readonly number[], na: number): Float64Array {
  let maxSum = 0;
  for (const r of ranks2) maxSum += r;
  const width = maxSum + 1;
  // ways[k·width + s]: subsets of k items with doubled rank sum s, as floats (C(30, 15) ≈ 1.6e8 is
  // exact in a double). Knapsack order: k descending, so each item is used at most once.
  const ways = new Float64Array((na + 1) * width);
  ways[0] = 1;
  let reach = 0; // largest sum reachable so far
  for (const r of ranks2) {
    for (let k = na; k >= 1; k--) {
      const to = k * width;
      const from = (k - 1) * width;
      for (let sum = reach; sum >= 0; sum--) {
        const w = ways[from + sum]!;
        if (w !== 0) ways[to + sum + r]! += w;
      }
    }
    reach += r;
  }
  const last = ways.subarray(na * width, (na + 1) * width);
  let total = 0;
  for (const w of last) total += w;
  const out = new Float64Array(width);
  for (let sum = 0; sum < width; sum++) out[sum] = last[sum]! / total;
  return out;
}

/**
 * Mann-Whitney U test of whether values of `a` tend to be larger than those of `b`. Exact when
 * na + nb ≤ 30 (the permutation distribution of the rank sum given the observed ties), else the
 * normal approximation with tie and continuity correction. An empty side gives p = 1.
 * @example mannWhitneyValues([4, 5, 6], [1, 2, 3]) // { u: 9, pValue: 0.1, method: 'exact', … }
 */
export function mannWhitneyValues(a: readonly number[], b: readonly number[]): RankTest {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return { u: 0, pValue: 1, probabilityOfSuperiority: 0.5, method: 'exact' };
  const n = na + nb;
  const { ranks2, tieTerm } = doubledMidRanks([...a, ...b]);
  let w2 = 0;
  for (let i = 0; i < na; i++) w2 += ranks2[i]!;
  const u = w2 / 2 - (na * (na + 1)) / 2;
  const ps = u / (na * nb);
  const mean2 = na * (n + 1); // E[doubled rank sum]
  if (n <= EXACT_MANN_WHITNEY_MAX_N) {
    const dist = rankSumDistribution(ranks2, na);
    const observed = Math.abs(w2 - mean2);
    let p = 0;
    // Sums are integers, so a tiny tolerance only guards the float subtraction.
    for (let sum = 0; sum < dist.length; sum++) if (dist[sum]! > 0 && Math.abs(sum - mean2) >= observed - 1e-9) p += dist[sum]!;
    return { u, pValue: Math.min(1, p), probabilityOfSuperiority: ps, method: 'exact' };
  }
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, pValue: 1, probabilityOfSuperiority: ps, method: 'normal' };
  const diff = u - (na * nb) / 2;
  const corrected = Math.abs(diff) <= 0.5 ? 0 : diff - Math.sign(diff) * 0.5;
  return { u, pValue: normalTwoSided(corrected / Math.sqrt(variance)), probabilityOfSuperiority: ps, method: 'normal' };
}

/** Outcome of Fisher's exact test. */
export interface FisherResult {
  pValue: number;
  /** The table's sample odds ratio (a₁/a₂) / (b₁/b₂); NaN or ±Infinity on zero cells. */
  oddsRatio: number;
}

/**
 * Fisher's exact test on the 2 × 2 table [[x1, n1 − x1], [x2, n2 − x2]] (e.g. failed and
 * successful requests of two runs). Two-sided: the sum of the hypergeometric probabilities of every
 * table with the same margins that is no more likely than the observed one (R's `fisher.test`
 * convention, with a relative tolerance of 1e-7 for ties in probability).
 * @example fisherExact(0, 6000, 4, 6000).pValue // ≈ 0.125 (χ² said 0.045)
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): FisherResult {
  const oddsRatio = (x1 * (n2 - x2)) / ((n1 - x1) * x2);
  const k = x1 + x2;
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0 || k === 0 || k === n) return { pValue: 1, oddsRatio };
  const lo = Math.max(0, k - n2);
  const hi = Math.min(k, n1);
  const logC = (a: number, b: number) => logGamma(a + 1) - logGamma(b + 1) - logGamma(a - b + 1);
  const logDenominator = logC(n, k);
  const logP = (x: number) => logC(n1, x) + logC(n2, k - x) - logDenominator;
  const observed = logP(x1);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return { pValue: Math.min(1, p), oddsRatio };
}

/** One cluster's (trial's) part of a pooled share. */
export interface ClusterCount {
  /** Events counted (errors, responses of one version). */
  k: number;
  /** Out of. */
  n: number;
}

/**
 * 95% interval of Σk / Σn when the n's come in clusters whose shares vary more than binomially
 * (trials with bursts). The design effect is the ratio-estimator variance across clusters,
 * m/(m−1) · Σ(k − p·n)² / (Σn)², over the binomial variance p(1−p)/Σn; Wilson's interval is then
 * taken on the effective sample size Σn / design effect (never larger than Σn). With fewer than two
 * clusters there is nothing to estimate the clustering from: the plain Wilson interval.
 * @example clusteredShareInterval([{ k: 0, n: 100 }, { k: 50, n: 100 }]) // far wider than wilsonInterval(50, 200)
 */
export function clusteredShareInterval(parts: readonly ClusterCount[], z: number = Z95): [number, number] {
  let k = 0;
  let n = 0;
  for (const c of parts) {
    k += c.k;
    n += c.n;
  }
  const used = parts.filter((c) => c.n > 0);
  if (n === 0) return [0, 1];
  if (used.length < 2) return wilsonInterval(k, n, z);
  const p = k / n;
  let ss = 0;
  for (const c of used) ss += (c.k - p * c.n) ** 2;
  const m = used.length;
  const clusteredVar = ((m / (m - 1)) * ss) / (n * n);
  const binomialVar = (p * (1 - p)) / n;
  if (!(binomialVar > 0) || clusteredVar <= binomialVar) return wilsonInterval(k, n, z);
  const effectiveN = n * (binomialVar / clusteredVar);
  return wilsonInterval(p * effectiveN, effectiveN, z);
}
