import type { Rng } from '../rng.js';

/** z of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/**
 * Service time drawn from a log-normal distribution through two points, p50 and p99
 * (mesh file `latency: {p50, p99}`): μ = ln p50, σ = (ln p99 − ln p50) / z99.
 * Normal deviates come from the Box–Muller transform on the caller's seeded stream.
 */
export class LogNormalServiceTime {
  private readonly mu: number;
  private readonly sigma: number;
  private spare = NaN;

  constructor(p50Us: number, p99Us: number) {
    this.mu = Math.log(Math.max(1, p50Us));
    this.sigma = Math.max(0, (Math.log(Math.max(p50Us, p99Us, 1)) - this.mu) / Z99);
  }

  /** One draw in integer µs (≥ 1). */
  sampleUs(rng: Rng): number {
    let z: number;
    if (!Number.isNaN(this.spare)) {
      z = this.spare;
      this.spare = NaN;
    } else {
      let u = rng.next();
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spare = r * Math.sin(2 * Math.PI * v);
    }
    return Math.max(1, Math.round(Math.exp(this.mu + this.sigma * z)));
  }
}
