import { describe, expect, it } from 'vitest';
import { LogNormalServiceTime, normalQuantile } from '../../../src/sim/engine/service-time.js';
import { createRng } from '../../../src/sim/rng.js';

describe('service time', () => {
  it('normal quantiles match known values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('models with the same points share one table and draw the same values, before and after the cache starts over', () => {
    const draws = (st: LogNormalServiceTime) => {
      const rng = createRng('shared');
      return Array.from({ length: 500 }, () => st.sampleUs(rng));
    };
    const first = draws(new LogNormalServiceTime(33_000, 90_000));
    expect(draws(new LogNormalServiceTime(33_000, 90_000))).toEqual(first);
    // More distinct settings than the cache keeps: the table is built again, value for value.
    for (let i = 0; i < 70; i++) new LogNormalServiceTime(1000 + i, 5000);
    expect(draws(new LogNormalServiceTime(33_000, 90_000))).toEqual(first);
    expect(draws(new LogNormalServiceTime(33_000, 91_000))).not.toEqual(first);
  });

  it('draws pass through the mesh file p50 and p99', () => {
    const st = new LogNormalServiceTime(3000, 20000);
    const rng = createRng('svc');
    const draws = Array.from({ length: 200_000 }, () => st.sampleUs(rng)).sort((a, b) => a - b);
    const at = (q: number) => draws[Math.floor(q * draws.length)] as number;
    expect(Math.abs(at(0.5) - 3000) / 3000).toBeLessThan(0.02);
    expect(Math.abs(at(0.99) - 20000) / 20000).toBeLessThan(0.05);
    expect(draws[0]).toBeGreaterThanOrEqual(1);
  });
});

describe('service time table', () => {
  it('interpolated draws stay within 0.1% of the exact inverse CDF', () => {
    const st = new LogNormalServiceTime(3000, 20000);
    const mu = Math.log(3000);
    const sigma = (Math.log(20000) - mu) / 2.3263478740408408;
    for (let k = 1; k < 1000; k++) {
      const p = k / 1000;
      const exact = Math.exp(mu + sigma * normalQuantile(p));
      const drawn = st.sampleUs({ next: () => p, int: () => 0, u32: () => 0, fork: () => { throw new Error('no'); } });
      expect(Math.abs(drawn - exact) / exact).toBeLessThan(0.001 + 1 / exact);
    }
  });
});
