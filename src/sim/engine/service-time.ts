import type { Rng } from '../rng.js';

/** z of the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

// Coefficients of P. J. Acklam's rational approximation of the normal quantile function
// (relative error < 1.15e-9), a published algorithm: one uniform draw per normal deviate.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const P_HIGH = 1 - P_LOW;

/** Standard normal quantile Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  if (p > P_HIGH) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}

/**
 * Service time drawn from a log-normal distribution through two points, p50 and p99
 * (mesh file `latency: {p50, p99}`): μ = ln p50, σ = (ln p99 − ln p50) / z99, sampled by
 * inverse transform from one uniform draw of the caller's seeded stream.
 */
export class LogNormalServiceTime {
  private readonly mu: number;
  private readonly sigma: number;
  /** Service times at TABLE_SIZE + 1 evenly spaced probabilities in [TABLE_LO, TABLE_HI]. */
  private readonly table: Float64Array;

  constructor(p50Us: number, p99Us: number) {
    this.mu = Math.log(Math.max(1, p50Us));
    this.sigma = Math.max(0, (Math.log(Math.max(p50Us, p99Us, 1)) - this.mu) / Z99);
    // The hot path interpolates in a table of the inverse CDF; only the outer 0.1% is computed exactly.
    // Every trial builds its deployments afresh, and a table's 4,097 exact quantiles cost ~0.25 ms
    // (up to two per deployment: latency and server CPU): tables are shared by (p50, p99).
    // They are only read, and a table is a function of (μ, σ) alone, so sharing changes no value.
    const key = `${p50Us}/${p99Us}`;
    const shared = tables.get(key);
    if (shared !== undefined) {
      this.table = shared;
      return;
    }
    this.table = new Float64Array(TABLE_SIZE + 1);
    for (let i = 0; i <= TABLE_SIZE; i++) this.table[i] = this.exact(TABLE_LO + (i * (TABLE_HI - TABLE_LO)) / TABLE_SIZE);
    // Bounded: a run has a few latency settings; a long-lived process with many starts over.
    if (tables.size >= MAX_SHARED_TABLES) tables.clear();
    tables.set(key, this.table);
  }

  /** One draw in integer µs (≥ 1). */
  sampleUs(rng: Rng): number {
    let u = rng.next();
    if (u < TABLE_LO || u > TABLE_HI) {
      if (u === 0) u = 2 ** -33;
      return Math.max(1, Math.round(this.exact(u)));
    }
    const x = (u - TABLE_LO) * TABLE_SCALE;
    const i = Math.floor(x);
    const lo = this.table[i]!;
    const v = i >= TABLE_SIZE ? lo : lo + (x - i) * (this.table[i + 1]! - lo);
    return Math.max(1, Math.round(v));
  }

  private exact(p: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(p));
  }
}

const TABLE_SIZE = 4096;
/** Inverse-CDF tables by `p50/p99` (32 KiB each), shared by every service-time model with those points. */
const tables = new Map<string, Float64Array>();
const MAX_SHARED_TABLES = 64;
const TABLE_LO = 0.0005;
const TABLE_HI = 0.9995;
const TABLE_SCALE = TABLE_SIZE / (TABLE_HI - TABLE_LO);
