/**
 * Statistics over measures (pure, deterministic). Exported API:
 *
 * - `wilsonInterval(successes, n, z = 1.959964) → [lo, hi]` — Wilson score interval of a share.
 * - `chiSquareGoodnessOfFit(observed, expectedShares) → { chiSquare, df, pValue, unexpected }` —
 *   observed counts per category against the shares a model predicts.
 * - `chiSquareContingency(a, b) → { chiSquare, df, pValue }` — do two runs split the same way
 *   (2 × k table of counts per category)?
 * - `mannWhitneyHistograms(a, b) → { u, z, pValue, probabilityOfSuperiority, rankBiserial }` —
 *   are values of `a` stochastically larger than those of `b`, computed on HDR histogram buckets.
 * - `chiSquareSurvival`, `normalTwoSided`, `gammaQ`, `erfc` are re-exported from `special-functions.ts`.
 *
 * All p-values are in [0, 1]; a degenerate input (no data, one category) yields p = 1.
 */
import type { Histogram } from './histogram.js';
import { chiSquareSurvival, normalTwoSided } from './special-functions.js';

export { chiSquareSurvival, erfc, gammaP, gammaQ, logGamma, normalTwoSided } from './special-functions.js';

/** z for a two-sided 95% interval (Φ⁻¹(0.975)). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial share `successes / n`.
 * Returns [0, 1] when n = 0 (nothing known).
 * @example wilsonInterval(81, 263) // ≈ [0.2553, 0.3662]
 */
export function wilsonInterval(successes: number, n: number, z: number = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Outcome of a chi-square test. */
export interface ChiSquareResult {
  chiSquare: number;
  df: number;
  pValue: number;
}

/** Goodness-of-fit outcome; `unexpected` lists categories seen although their expected share is 0. */
export interface GoodnessOfFit extends ChiSquareResult {
  unexpected: string[];
}

/**
 * Pearson's chi-square goodness of fit of observed counts against expected shares (normalised to
 * sum 1). Categories with an expected share of 0 are left out of the degrees of freedom; if any of
 * them was observed, the model is refuted outright: chiSquare = Infinity, pValue = 0, and the
 * categories are listed in `unexpected`. df = (categories with a positive share) − 1.
 * @example chiSquareGoodnessOfFit({ v1: 48, v2: 52 }, { v1: 0.5, v2: 0.5 }) // { chiSquare: 0.16, df: 1, pValue: ≈0.689 }
 */
export function chiSquareGoodnessOfFit(observed: Record<string, number>, expectedShares: Record<string, number>): GoodnessOfFit {
  let shareSum = 0;
  for (const s of Object.values(expectedShares)) if (s > 0) shareSum += s;
  let n = 0;
  for (const c of Object.values(observed)) n += c;
  const keys = [...new Set([...Object.keys(observed), ...Object.keys(expectedShares)])].sort();
  let chi = 0;
  let categories = 0;
  const unexpected: string[] = [];
  for (const k of keys) {
    const share = expectedShares[k] ?? 0;
    const o = observed[k] ?? 0;
    if (share > 0) {
      categories++;
      const e = (n * share) / shareSum;
      if (e > 0) chi += ((o - e) * (o - e)) / e;
    } else if (o > 0) {
      unexpected.push(k);
    }
  }
  const df = Math.max(categories - 1, 0);
  if (unexpected.length > 0) return { chiSquare: Infinity, df, pValue: 0, unexpected };
  if (n === 0 || df === 0) return { chiSquare: 0, df, pValue: 1, unexpected };
  return { chiSquare: chi, df, pValue: chiSquareSurvival(chi, df), unexpected };
}

/**
 * Pearson's chi-square test of independence on the 2 × k table formed by two runs' counts per
 * category (e.g. responses per version). Categories empty in both runs are dropped.
 * df = k − 1. Degenerate tables (k < 2 or an empty run) give chiSquare 0, pValue 1.
 * @example chiSquareContingency({ v1: 50, v2: 50 }, { v1: 30, v2: 70 }) // { chiSquare: ≈8.33, df: 1, pValue: ≈0.0039 }
 */
export function chiSquareContingency(a: Record<string, number>, b: Record<string, number>): ChiSquareResult {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => (a[k] ?? 0) + (b[k] ?? 0) > 0);
  let na = 0;
  let nb = 0;
  for (const k of keys) {
    na += a[k] ?? 0;
    nb += b[k] ?? 0;
  }
  const df = Math.max(keys.length - 1, 0);
  if (df === 0 || na === 0 || nb === 0) return { chiSquare: 0, df, pValue: 1 };
  const n = na + nb;
  let chi = 0;
  for (const k of keys) {
    const col = (a[k] ?? 0) + (b[k] ?? 0);
    const ea = (na * col) / n;
    const eb = (nb * col) / n;
    const oa = a[k] ?? 0;
    const ob = b[k] ?? 0;
    chi += ((oa - ea) * (oa - ea)) / ea + ((ob - eb) * (ob - eb)) / eb;
  }
  return { chiSquare: chi, df, pValue: chiSquareSurvival(chi, df) };
}

/** Outcome of a Mann-Whitney U test. */
export interface MannWhitneyResult {
  /** U of sample `a`: pairs (x from a, y from b) with x > y, plus half the ties. */
  u: number;
  /** Normal approximation with tie and continuity correction; positive when `a` tends to be larger. */
  z: number;
  /** Two-sided p-value of z. */
  pValue: number;
  /** P(X > Y) + ½ P(X = Y) for X from a, Y from b (= u / (na·nb)); 0.5 means no difference. */
  probabilityOfSuperiority: number;
  /** Rank-biserial correlation 2·probabilityOfSuperiority − 1, in [−1, 1]. */
  rankBiserial: number;
}

/**
 * Mann-Whitney U test between the values recorded in two histograms. Values sharing an HDR
 * bucket (equal within 3 significant digits) are ties; ranks are averaged over each tie group and
 * the variance is tie-corrected: σ² = na·nb/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))).
 * An empty side gives u 0, z 0, pValue 1, probabilityOfSuperiority 0.5.
 */
export function mannWhitneyHistograms(a: Histogram, b: Histogram): MannWhitneyResult {
  const na = a.totalCount;
  const nb = b.totalCount;
  if (na === 0 || nb === 0) return { u: 0, z: 0, pValue: 1, probabilityOfSuperiority: 0.5, rankBiserial: 0 };
  const n = na + nb;
  const ca = a.counts;
  const cb = b.counts;
  let below = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  // Histograms cover only up to their highest value, so the two arrays may differ in length.
  const length = Math.max(ca.length, cb.length);
  for (let i = 0; i < length; i++) {
    const x = ca[i] ?? 0;
    const y = cb[i] ?? 0;
    const t = x + y;
    if (t === 0) continue;
    rankSumA += x * (below + (t + 1) / 2);
    tieTerm += t * t * t - t;
    below += t;
  }
  const u = rankSumA - (na * (na + 1)) / 2;
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  let z = 0;
  if (variance > 0) {
    const diff = u - mean;
    const corrected = Math.abs(diff) <= 0.5 ? 0 : diff - Math.sign(diff) * 0.5;
    z = corrected / Math.sqrt(variance);
  }
  const ps = u / (na * nb);
  return { u, z, pValue: variance > 0 ? normalTwoSided(z) : 1, probabilityOfSuperiority: ps, rankBiserial: 2 * ps - 1 };
}
