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
