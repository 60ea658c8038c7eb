import { describe, expect, it } from 'vitest';
import { clusteredShareInterval, fisherExact, mannWhitneyValues } from '../../src/measure/inference.js';
import { wilsonInterval } from '../../src/measure/stats.js';

/** Two-sided exact p by enumerating every split of the pooled values (independent of the DP). */
function bruteForceP(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const n = pooled.length;
  const sorted = [...pooled].sort((x, y) => x - y);
  const rank = (v: number) => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return (first + last + 2) / 2;
  };
  const ranks = pooled.map(rank);
  const sumOf = (mask: number) => ranks.reduce((s, r, i) => s + ((mask >> i) & 1 ? r : 0), 0);
  const mean = (a.length * (n + 1)) / 2;
  const observed = Math.abs(sumOf((1 << a.length) - 1) - mean);
  let hit = 0;
  let all = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let m = mask; m > 0; m >>= 1) bits += m & 1;
    if (bits !== a.length) continue;
    all++;
    if (Math.abs(sumOf(mask) - mean) >= observed - 1e-9) hit++;
  }
  return hit / all;
}

describe('mannWhitneyValues', () => {
  it('matches SciPy exact p-values without ties', () => {
    // scipy.stats.mannwhitneyu(a, b, method='exact')
    expect(mannWhitneyValues([4, 5, 6], [1, 2, 3])).toMatchObject({ u: 9, method: 'exact', probabilityOfSuperiority: 1 });
    expect(mannWhitneyValues([4, 5, 6], [1, 2, 3]).pValue).toBeCloseTo(0.1, 12);
    expect(mannWhitneyValues([1, 2, 3, 4], [5, 6, 7, 8]).pValue).toBeCloseTo(0.028571428571428571, 12);
  });

  it('is exact with ties (4 vs 4): the permutation distribution, not the normal approximation', () => {
    const a = [1, 2, 2, 3];
    const b = [2, 3, 3, 4];
    const p = mannWhitneyValues(a, b).pValue;
    expect(p).toBeCloseTo(bruteForceP(a, b), 12);
    // The normal approximation (what compare used for every n) is far off at this size.
    expect(Math.abs(p - 0.2)).toBeLessThan(0.1);
  });

  it.each([
    [[0.1, 0.5, 0.5, 0.9, 1.2], [0.5, 0.7, 1.3, 1.3, 2, 2]],
    [[3, 3, 3], [3, 3, 4, 5]],
    [[10, 20, 30, 40, 50, 60, 70], [15, 25, 35]],
  ])('equals brute-force enumeration for %j vs %j', (a, b) => {
    expect(mannWhitneyValues(a, b).pValue).toBeCloseTo(bruteForceP(a, b), 12);
  });

  it('ranks censored values (Infinity) worst, tied with each other', () => {
    // 5 of 10 trials never recovered; those that did were a little faster than the other side's.
    const broken = [900, 1000, 1100, 1200, 1300, Infinity, Infinity, Infinity, Infinity, Infinity];
    const fine = [1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900];
    expect(mannWhitneyValues(broken, fine).probabilityOfSuperiority).toBeGreaterThan(0.5);
    // Dropping the censored trials (the old behaviour) makes the broken side look better.
    expect(mannWhitneyValues(broken.slice(0, 5), fine).probabilityOfSuperiority).toBeLessThan(0.5);
    // With 20 trials a side, half never recovering (the others like the baseline) is a clear difference.
    const r = mannWhitneyValues([...fine, ...broken.slice(5), ...broken.slice(5)], [...fine, ...fine]);
    expect(r.probabilityOfSuperiority).toBeCloseTo(0.75, 10);
    expect(r.pValue).toBeLessThan(0.05);
  });

  it('uses the normal approximation past 30 values and gives p = 1 for an empty side', () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = Array.from({ length: 20 }, (_, i) => i + 0.5);
    expect(mannWhitneyValues(a, b).method).toBe('normal');
    expect(mannWhitneyValues([], [1]).pValue).toBe(1);
  });
});

describe('fisherExact', () => {
  it('0 vs 4 errors in 6,000 requests each: p = 0.125, not the χ² 0.045', () => {
    // scipy.stats.fisher_exact([[0, 6000], [4, 5996]]) → 0.12493749739626753
    expect(fisherExact(0, 6000, 4, 6000).pValue).toBeCloseTo(0.12493749739626753, 10);
  });

  it('matches SciPy on a small table and is 1 for empty margins', () => {
    // scipy.stats.fisher_exact([[3, 7], [9, 1]]) → 0.019766611097880443
    expect(fisherExact(3, 10, 9, 10).pValue).toBeCloseTo(0.019766611097880443, 10);
    expect(fisherExact(0, 100, 0, 100).pValue).toBe(1);
    expect(fisherExact(0, 0, 3, 10).pValue).toBe(1);
  });
});

describe('clusteredShareInterval', () => {
  it('widens the interval when trials disagree more than binomially (bursts)', () => {
    const bursty = [{ k: 0, n: 1000 }, { k: 100, n: 1000 }, { k: 0, n: 1000 }, { k: 100, n: 1000 }];
    const [lo, hi] = clusteredShareInterval(bursty);
    const [wlo, whi] = wilsonInterval(200, 4000);
    expect(hi - lo).toBeGreaterThan(3 * (whi - wlo));
    expect(lo).toBeLessThan(0.05);
    expect(hi).toBeGreaterThan(0.05);
  });

  it('is Wilson when the trials agree, or with one trial', () => {
    expect(clusteredShareInterval([{ k: 50, n: 1000 }, { k: 50, n: 1000 }])).toEqual(wilsonInterval(100, 2000));
    expect(clusteredShareInterval([{ k: 5, n: 100 }])).toEqual(wilsonInterval(5, 100));
  });
});
