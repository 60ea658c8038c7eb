/**
 * Synthetic request streams for result fixtures: the seed's two-cluster mesh seen from the sleep
 * client in cluster1 (us-east1/us-east1-b). v1 is local (service time p50 3 ms, p99 20 ms); v2 is in
 * cluster2 across regions (+60 ms round trip). A failover trial scales v1 to zero at `faultS`:
 * for `recoveryMs` most requests fail fast (503 from the terminating pod, or a reset), then v2
 * serves everything until `failbackMs` after the restore. Independent of the simulator on purpose.
 */

/** A deterministic PRNG (mulberry32) so fixtures are byte-stable. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One finished request. */
export interface TrafficSample {
  scheduledUs: number;
  latencyUs: number;
  status: number;
  version?: string;
  cluster?: string;
  locality?: string;
  network?: string;
}

export interface TrafficOptions {
  ratePerS: number;
  durationS: number;
  /** Share of requests v1 gets while both versions are up (1 = locality LB keeps everything local). */
  v1Share: number;
  /** Added to every successful request's latency (a slower build or Istio version). */
  latencyShiftMs: number;
  failover?: { faultS: number; restoreS: number; recoveryMs: number; failbackMs: number };
}

export const CLIENT = { cluster: 'cluster1', network: 'network1', locality: 'us-east1/us-east1-b' } as const;
const V1 = { version: 'v1', cluster: 'cluster1', network: 'network1', locality: 'us-east1/us-east1-b' } as const;
const V2 = { version: 'v2', cluster: 'cluster2', network: 'network2', locality: 'us-west1/us-west1-a' } as const;

/** Standard normal draw (Box-Muller). */
function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal service time through p50 and p99 (µs), as the mesh file describes workloads. */
function serviceTimeUs(rng: () => number, p50Us: number, p99Us: number): number {
  const sigma = Math.log(p99Us / p50Us) / 2.3263478740408408;
  return Math.exp(Math.log(p50Us) + sigma * normal(rng));
}

/** The requests of one trial, in scheduled order. */
export function generateTrial(opts: TrafficOptions, rng: () => number): TrafficSample[] {
  const n = Math.round(opts.ratePerS * opts.durationS);
  const gapUs = 1e6 / opts.ratePerS;
  const f = opts.failover;
  const out: TrafficSample[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.round(i * gapUs);
    const tMs = t / 1000;
    let where: typeof V1 | typeof V2 | 'fail';
    if (f !== undefined && tMs >= f.faultS * 1000 && tMs < f.faultS * 1000 + f.recoveryMs) where = rng() < 0.9 ? 'fail' : V2;
    else if (f !== undefined && tMs >= f.faultS * 1000 && tMs < f.restoreS * 1000 + f.failbackMs) where = V2;
    else where = rng() < opts.v1Share ? V1 : V2;
    if (where === 'fail') {
      const reset = rng() < 0.2;
      out.push({ scheduledUs: t, latencyUs: Math.round(reset ? 800 + rng() * 400 : 1500 + rng() * 2500), status: reset ? 0 : 503 });
      continue;
    }
    const networkUs = where === V1 ? 200 : 60_000;
    const latencyUs = Math.round(networkUs + serviceTimeUs(rng, 3000, 20_000) + opts.latencyShiftMs * 1000);
    out.push({ scheduledUs: t, latencyUs, status: 200, ...where });
  }
  return out;
}

/** Failover figures of one trial (product.md §4), computed from its requests. */
export interface TrialFailover {
  recoveryUs: number;
  firstFailoverSuccessUs: number | null;
  errors: number;
  failbackUs: number | null;
}

/**
 * Recovery: from the fault to the first request after which a window of max(1 s, 20 requests)
 * all succeed (0 when nothing failed). Failback: from the restore until a window is ≥ 99% v1.
 */
export function failoverFigures(samples: readonly TrafficSample[], faultUs: number, restoreUs: number, ratePerS: number): TrialFailover {
  const window = Math.max(Math.ceil(ratePerS), 20);
  const during = samples.filter((s) => s.scheduledUs >= faultUs && s.scheduledUs < restoreUs);
  const failed = (s: TrafficSample) => s.status < 200 || s.status >= 300;
  const errors = during.filter(failed).length;
  let recoveryUs = 0;
  if (errors > 0) {
    let lastFail = -1;
    during.forEach((s, i) => {
      if (failed(s)) lastFail = i;
    });
    const next = during[lastFail + 1];
    recoveryUs = (next?.scheduledUs ?? restoreUs) - faultUs;
  }
  const firstV2 = during.find((s) => s.version === 'v2');
  const after = samples.filter((s) => s.scheduledUs >= restoreUs);
  let failbackUs: number | null = null;
  for (let i = 0; i + window <= after.length; i++) {
    const slice = after.slice(i, i + window);
    if (slice.filter((s) => s.version === 'v1').length >= 0.99 * window) {
      failbackUs = (after[i] as TrafficSample).scheduledUs - restoreUs;
      break;
    }
  }
  return { recoveryUs, firstFailoverSuccessUs: firstV2 === undefined ? null : firstV2.scheduledUs + firstV2.latencyUs - faultUs, errors, failbackUs };
}
