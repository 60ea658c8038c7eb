import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/measure/histogram.js';
import {
  chiSquareContingency,
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  erfc,
  gammaQ,
  logGamma,
  mannWhitneyHistograms,
  wilsonInterval,
} from '../../src/measure/stats.js';

// Reference values computed with SciPy 1.17 (scipy.stats / scipy.special), copied here.

describe('special functions', () => {
  it('log-gamma', () => {
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
    expect(logGamma(123.4)).toBeCloseTo(469.3360974421906, 9);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
  });
  it('regularised upper incomplete gamma and erfc', () => {
    expect(gammaQ(3.5, 2.2)).toBeCloseTo(0.7327230835638652, 12);
    expect(gammaQ(50, 60)).toBeCloseTo(0.08440668109369177, 12);
    expect(erfc(0.3)).toBeCloseTo(0.6713732405408726, 12);
    expect(erfc(2.5)).toBeCloseTo(0.00040695201744495886, 15);
    expect(erfc(-0.3)).toBeCloseTo(2 - 0.6713732405408726, 12);
  });
  it('chi-square survival, including closed forms for even df', () => {
    expect(chiSquareSurvival(3.84145882069412, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(10, 3)).toBeCloseTo(0.01856613546304325, 12);
    expect(chiSquareSurvival(20, 10)).toBeCloseTo(0.029252688076961124, 12);
    expect(chiSquareSurvival(0.5, 7)).toBeCloseTo(0.9994464813904249, 12);
    expect(chiSquareSurvival(300, 250)).toBeCloseTo(0.016518273157868715, 12);
    expect(chiSquareSurvival(1e-3, 3)).toBeCloseTo(0.9999915920809419, 12);
    for (const x of [0.1, 2, 7.5, 30]) {
      expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 13);
      expect(chiSquareSurvival(x, 4)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 13);
    }
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});

describe('wilsonInterval', () => {
  it('matches SciPy binomtest(...).proportion_ci(method="wilson")', () => {
    const [lo, hi] = wilsonInterval(81, 263);
    expect(lo).toBeCloseTo(0.2552885198782742, 10);
    expect(hi).toBeCloseTo(0.36620957698280004, 10);
    const [lo2, hi2] = wilsonInterval(3990, 6000);
    expect(lo2).toBeCloseTo(0.6529549948749731, 10);
    expect(hi2).toBeCloseTo(0.6768338600740584, 10);
  });
  it('handles 0 successes and n = 0', () => {
    const [lo, hi] = wilsonInterval(0, 20);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.16112515805281935, 10);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('matches scipy.stats.chisquare', () => {
    const r = chiSquareGoodnessOfFit({ v1: 48, v2: 52 }, { v1: 0.5, v2: 0.5 });
    expect(r.chiSquare).toBeCloseTo(0.16, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.6891565167793516, 12);
    const r3 = chiSquareGoodnessOfFit({ v1: 3990, v2: 1990, v3: 20 }, { v1: 66, v2: 33, v3: 1 });
    expect(r3.chiSquare).toBeCloseTo(26.944444444444446, 9);
    expect(r3.df).toBe(2);
    expect(r3.pValue).toBeCloseTo(1.4095751342301105e-6, 15);
  });
  it('refutes the model when a version with expected share 0 is seen', () => {
    const r = chiSquareGoodnessOfFit({ v1: 100, v2: 1 }, { v1: 1, v2: 0 });
    expect(r.pValue).toBe(0);
    expect(r.chiSquare).toBe(Infinity);
    expect(r.unexpected).toEqual(['v2']);
  });
  it('counts expected versions never seen', () => {
    const r = chiSquareGoodnessOfFit({ v1: 100 }, { v1: 0.5, v2: 0.5 });
    expect(r.chiSquare).toBeCloseTo(100, 9);
    expect(r.pValue).toBeLessThan(1e-20);
  });
  it('degenerate inputs give p = 1', () => {
    expect(chiSquareGoodnessOfFit({}, { v1: 1, v2: 1 }).pValue).toBe(1);
    expect(chiSquareGoodnessOfFit({ v1: 9 }, { v1: 1 })).toMatchObject({ df: 0, pValue: 1 });
  });
});

describe('chiSquareContingency', () => {
  it('matches scipy.stats.chi2_contingency(correction=False)', () => {
    const r = chiSquareContingency({ v1: 50, v2: 50 }, { v1: 30, v2: 70 });
    expect(r.chiSquare).toBeCloseTo(8.333333333333334, 10);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.003892417122778637, 12);
    const r3 = chiSquareContingency({ a: 10, b: 20, c: 30 }, { a: 15, b: 25, c: 5 });
    expect(r3.chiSquare).toBeCloseTo(17.629629629629633, 10);
    expect(r3.df).toBe(2);
    expect(r3.pValue).toBeCloseTo(0.0001485164524699713, 12);
  });
  it('drops categories empty on both sides; degenerate tables give p = 1', () => {
    expect(chiSquareContingency({ v1: 5, v2: 0 }, { v1: 7 })).toEqual({ chiSquare: 0, df: 0, pValue: 1 });
    expect(chiSquareContingency({ v1: 5, v2: 3 }, {})).toMatchObject({ pValue: 1 });
  });
});

describe('mannWhitneyHistograms', () => {
  const hist = (vals: number[]): Histogram => {
    const h = new Histogram();
    for (const v of vals) h.record(v);
    return h;
  };
  it('matches scipy.stats.mannwhitneyu(asymptotic, continuity) with ties', () => {
    const a = [1, 2, 2, 3, 5, 8, 8, 8, 13];
    const b = [2, 3, 3, 4, 4, 7, 8, 9, 10, 10, 11];
    const r = mannWhitneyHistograms(hist(a), hist(b));
    expect(r.u).toBe(38.5);
    expect(r.pValue).toBeCloseTo(0.42151799737413176, 10);
    expect(r.z).toBeLessThan(0);
    let brute = 0;
    for (const x of a) for (const y of b) brute += x > y ? 1 : x === y ? 0.5 : 0;
    expect(r.probabilityOfSuperiority).toBeCloseTo(brute / (a.length * b.length), 12);
    expect(r.rankBiserial).toBeCloseTo(2 * r.probabilityOfSuperiority - 1, 12);
  });
  it('finds a shift and no shift', () => {
    const base = Array.from({ length: 500 }, (_, i) => 1000 + i * 7);
    const shifted = base.map((v) => v + 400);
    expect(mannWhitneyHistograms(hist(shifted), hist(base)).pValue).toBeLessThan(1e-6);
    expect(mannWhitneyHistograms(hist(shifted), hist(base)).probabilityOfSuperiority).toBeGreaterThan(0.5);
    expect(mannWhitneyHistograms(hist(base), hist(base)).pValue).toBeCloseTo(1, 6);
  });
  it('is neutral on an empty side', () => {
    expect(mannWhitneyHistograms(hist([]), hist([1, 2]))).toMatchObject({ pValue: 1, probabilityOfSuperiority: 0.5 });
  });
});
