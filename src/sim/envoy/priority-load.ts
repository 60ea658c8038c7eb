/**
 * Envoy's per-priority load: which share of requests each priority level (and its degraded hosts)
 * gets, from host counts, the overprovisioning factor and the panic threshold. Integer maths.
 */
import type { PriorityLevelHealth, PriorityLoads } from '../xds-types.js';

/**
 * Loads for every priority level.
 * - health(P) = min(100, floor(OPF × healthy / (hosts − excluded))), degraded likewise; 0 for an empty level;
 * - normalised total = min(100, Σ health + Σ degraded); loads are handed out in priority order,
 *   `min(remaining, floor(health × 100 / normalised))`, healthy first then degraded, and the
 *   rounding leftover goes to the first priority with health (else with degraded);
 * - panic threshold T = 0 with nothing available: P0 gets 100 (requests then fail: no healthy host);
 * - a level is in panic when its plain healthy+degraded percentage < T, unless the normalised total
 *   is 100; when every level is in panic, loads follow host counts (excluded hosts included),
 *   the remainder to the first non-empty level.
 * Mirrors envoy load_balancer_impl.cc recalculatePerPriorityState / distributeLoad /
 * recalculatePerPriorityPanic / isHostSetInPanic / recalculateLoadInTotalPanic.
 */
export function computePriorityLoads(
  levels: readonly PriorityLevelHealth[],
  overprovisioningFactor: number,
  panicThresholdPct: number,
): PriorityLoads {
  const n = levels.length;
  const health = new Array<number>(n).fill(0);
  const degradedAvail = new Array<number>(n).fill(0);
  levels.forEach((l, i) => {
    const count = l.total - (l.excluded ?? 0);
    if (count > 0) {
      health[i] = Math.min(100, Math.floor((overprovisioningFactor * l.healthy) / count));
      degradedAvail[i] = Math.min(100, Math.floor((overprovisioningFactor * (l.degraded ?? 0)) / count));
    }
  });
  const norm = Math.min(100, sum(health) + sum(degradedAvail));
  const healthy = new Array<number>(n).fill(0);
  const degraded = new Array<number>(n).fill(0);
  const inPanic = new Array<boolean>(n).fill(false);
  const result: PriorityLoads = { healthy, degraded, inPanic, totalPanic: false, normalizedTotalHealth: norm };
  if (n === 0) return result;

  if (norm > 0) {
    const [firstHealthy, afterHealthy] = distributeLoad(healthy, health, 100, norm);
    const [firstDegraded, leftover] = distributeLoad(degraded, degradedAvail, afterHealthy, norm);
    if (leftover !== 0) {
      if (firstHealthy !== -1) healthy[firstHealthy] = (healthy[firstHealthy] ?? 0) + leftover;
      else if (firstDegraded !== -1) degraded[firstDegraded] = (degraded[firstDegraded] ?? 0) + leftover;
    }
  }

  const threshold = Math.min(100, panicThresholdPct);
  if (threshold === 0 && norm === 0) {
    healthy[0] = 100;
    return result;
  }
  let totalPanic = true;
  levels.forEach((l, i) => {
    inPanic[i] = norm === 100 ? false : isInPanic(l, threshold);
    totalPanic = totalPanic && inPanic[i];
  });
  if (totalPanic) {
    result.totalPanic = true;
    loadInTotalPanic(levels, healthy, degraded);
  }
  return result;
}

/** Envoy load_balancer_impl.cc distributeLoad: returns [first available priority, load left]. */
function distributeLoad(load: number[], availability: readonly number[], total: number, norm: number): [number, number] {
  let first = -1;
  let remaining = total;
  availability.forEach((a, i) => {
    if (first < 0 && a > 0) first = i;
    load[i] = Math.min(remaining, Math.floor((a * 100) / norm));
    remaining -= load[i] ?? 0;
  });
  return [first, remaining];
}

/** Envoy isHostSetInPanic: plain (double) percentages, no overprovisioning. */
function isInPanic(l: PriorityLevelHealth, threshold: number): boolean {
  const count = l.total - (l.excluded ?? 0);
  const healthyPct = count === 0 ? 0 : (100 * l.healthy) / count;
  const degradedPct = count === 0 ? 0 : (100 * (l.degraded ?? 0)) / count;
  return healthyPct + degradedPct < threshold;
}

/** Envoy recalculateLoadInTotalPanic: by host counts of every level (excluded hosts included). */
function loadInTotalPanic(levels: readonly PriorityLevelHealth[], healthy: number[], degraded: number[]): void {
  const total = levels.reduce((acc, l) => acc + l.total, 0);
  if (total === 0) {
    healthy.fill(0);
    degraded.fill(0);
    healthy[0] = 100;
    return;
  }
  let remaining = 100;
  let firstNonEmpty = -1;
  levels.forEach((l, i) => {
    if (firstNonEmpty === -1 && l.total !== 0) firstNonEmpty = i;
    healthy[i] = Math.floor((100 * l.total) / total);
    degraded[i] = 0;
    remaining -= healthy[i] ?? 0;
  });
  healthy[firstNonEmpty] = (healthy[firstNonEmpty] ?? 0) + remaining;
}

/**
 * Pick a priority for one request from `hash1to100` (Envoy: `random % 100 + 1`): walk cumulative
 * healthy loads P0…Pn, then degraded loads; the first cumulative value ≥ the hash wins.
 * The returned object is shared and frozen (no allocation per request): do not keep or mutate it.
 * Mirrors envoy load_balancer_impl.cc LoadBalancerBase::choosePriority.
 */
export function choosePriority(loads: PriorityLoads, hash1to100: number): Readonly<{ priority: number; degraded: boolean }> {
  let aggregate = 0;
  for (let p = 0; p < loads.healthy.length; p++) {
    aggregate += loads.healthy[p] ?? 0;
    if (hash1to100 <= aggregate) return choice(p, false);
  }
  for (let p = 0; p < loads.degraded.length; p++) {
    aggregate += loads.degraded[p] ?? 0;
    if (hash1to100 <= aggregate) return choice(p, true);
  }
  // Loads always add up to 100; Envoy logs a bug and uses P0 otherwise.
  return choice(0, false);
}

const CHOICES: Array<Readonly<{ priority: number; degraded: boolean }>> = [];

function choice(priority: number, degraded: boolean): Readonly<{ priority: number; degraded: boolean }> {
  const i = priority * 2 + (degraded ? 1 : 0);
  let c = CHOICES[i];
  if (c === undefined) {
    c = Object.freeze({ priority, degraded });
    CHOICES[i] = c;
  }
  return c;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
