/**
 * Trial-level data for A/A tests of `compare`: two groups of trials drawn from one model whose
 * trials vary the way real runs do (an error rate that changes from trial to trial, bursts of
 * failures, a version split and a latency that drift per trial, recoveries that sometimes never
 * happen or cannot be judged before the run ends). Generated directly with a seeded RNG, so the
 * tests run many seeds in well under a second each.
 */
import type { TrialFigures } from '../../src/model/result.js';
import { FAILOVER_FIGURES, type CompareSubject } from '../../src/render/compare-view.js';
import { makeRng } from './result-traffic.js';

export interface TrialModel {
  /** Requests per trial. */
  requests: number;
  /** Mean error rate outside bursts. */
  errorRate: number;
  /** Per-trial multiplicative spread of the error rate (log-normal σ). */
  errorSpread: number;
  /** Chance that a trial has a burst of failures, and the burst's mean size. */
  burstChance: number;
  burstMean: number;
  /** Mean share of v1 and its per-trial spread (sd). */
  v1Share: number;
  shareSpread: number;
  /** Median latency of successes (ms) and its per-trial spread (log-normal σ). */
  latencyMs: number;
  latencySpread: number;
  /** Chance a trial never recovers / the run ends before recovery can be judged. */
  neverRecovers: number;
  runEnds: number;
}

export const DEFAULT_MODEL: TrialModel = {
  requests: 6000,
  errorRate: 0.004,
  errorSpread: 0.6,
  burstChance: 0.3,
  burstMean: 40,
  v1Share: 0.6,
  shareSpread: 0.04,
  latencyMs: 6,
  latencySpread: 0.1,
  neverRecovers: 0.2,
  runEnds: 0.05,
};

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson draw: inversion for small means, a rounded normal for large ones. */
function poisson(rng: () => number, mean: number): number {
  if (mean > 200) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  for (;;) {
    p *= rng();
    if (p <= l) return k;
    k++;
  }
}

/** One trial of the model. */
export function drawTrial(m: TrialModel, rng: () => number): TrialFigures {
  const rate = m.errorRate * Math.exp(m.errorSpread * normal(rng) - (m.errorSpread * m.errorSpread) / 2);
  const burst = rng() < m.burstChance ? poisson(rng, m.burstMean) : 0;
  const errors = Math.min(m.requests, poisson(rng, rate * m.requests) + burst);
  const ok = m.requests - errors;
  const share = Math.min(1, Math.max(0, m.v1Share + m.shareSpread * normal(rng)));
  const v1 = Math.round(ok * share);
  const r = rng();
  const recovery = r < m.neverRecovers ? 'never' : r < m.neverRecovers + m.runEnds ? 'run-ended' : 'reached';
  const failback = rng() < m.neverRecovers / 2 ? 'never' : 'reached';
  return {
    requests: m.requests,
    errors,
    versions: { v1, v2: ok - v1 },
    okLatencyP50Ms: m.latencyMs * Math.exp(m.latencySpread * normal(rng)),
    failover: {
      recovery,
      recoveryMs: recovery === 'reached' ? 800 * Math.exp(0.4 * normal(rng)) : null,
      firstFailoverSuccessMs: 120 * Math.exp(0.5 * normal(rng)),
      errorsDuringFailover: poisson(rng, 50 * Math.exp(0.5 * normal(rng))),
      failback,
      failbackMs: failback === 'reached' ? 3500 * Math.exp(0.2 * normal(rng)) : null,
    },
  };
}

/** A compare subject made of `trials` trials of the model (the fields `compareSubject` reads). */
export function subjectOf(key: string, trials: readonly TrialFigures[]): CompareSubject {
  const requests = trials.reduce((a, t) => a + t.requests, 0);
  const errors = trials.reduce((a, t) => a + t.errors, 0);
  const versions: Record<string, number> = {};
  for (const t of trials) for (const [v, c] of Object.entries(t.versions)) versions[v] = (versions[v] ?? 0) + c;
  const figures = Object.fromEntries(FAILOVER_FIGURES.map((f) => [f, { summary: null, histogram: null }])) as NonNullable<CompareSubject['failover']>['figures'];
  return {
    key,
    results: [],
    trials: trials.length,
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    versions,
    locality: null,
    latency: null,
    latencyMs: null,
    failover: {
      trials: trials.length,
      hitless: 0,
      notRecovered: trials.filter((t) => t.failover?.recovery !== 'reached').length,
      notFailedBack: trials.filter((t) => t.failover?.failback === 'never').length,
      resolutionMs: 10,
      figures,
    },
    series: null,
    events: [],
    loadModels: ['open'],
    perTrial: [...trials],
  };
}

/** MurmurHash3's 32-bit finaliser: neighbouring seeds start far apart in mulberry32's sequence. */
function scramble(seed: number): number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Two groups of `n` trials each: A from `a`, B from `b` (the same model for an A/A test). */
export function drawPair(seed: number, n: number, a: TrialModel, b: TrialModel = a): [CompareSubject, CompareSubject] {
  const rng = makeRng(scramble(seed));
  const ta = Array.from({ length: n }, () => drawTrial(a, rng));
  const tb = Array.from({ length: n }, () => drawTrial(b, rng));
  return [subjectOf('A', ta), subjectOf('B', tb)];
}
