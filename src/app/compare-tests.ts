import type { Histogram } from '../measure/histogram.js';
import { chiSquareContingency, mannWhitneyHistograms } from '../measure/stats.js';
import { FAILOVER_FIGURES, type CompareSubject, type FailoverFigure, type SubjectComparison, type Verdict } from '../render/compare-view.js';

/**
 * One significance test per compared figure, so a user can tell a real difference from noise:
 * Mann-Whitney U on HDR histograms for latency and failover figures over trials, chi-square
 * contingency for error counts and the version split. Each test is at level `alpha` on its own
 * (no correction for the several tests of a comparison; the report says so). For latency, error
 * rate and failover figures, higher is worse.
 */

/** Direction of a shifted distribution: `worse` when the subject tends to be higher. */
function shiftVerdict(a: Histogram, baseline: Histogram, alpha: number): Verdict {
  const mw = mannWhitneyHistograms(a, baseline);
  const significant = mw.pValue < alpha;
  return {
    kind: !significant ? 'same' : mw.z > 0 ? 'worse' : 'better',
    test: 'mann-whitney',
    pValue: mw.pValue,
    probabilityOfSuperiority: mw.probabilityOfSuperiority,
  };
}

/** χ² on failed vs successful requests. */
export function errorsVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  if (s.requests === 0 || baseline.requests === 0) return { kind: 'no-test', test: null, pValue: null, note: 'no requests' };
  const t = chiSquareContingency({ ok: baseline.requests - baseline.errors, failed: baseline.errors }, { ok: s.requests - s.errors, failed: s.errors });
  const kind = t.pValue >= alpha ? 'same' : s.errorRate > baseline.errorRate ? 'worse' : 'better';
  return { kind, test: 'chi-square', pValue: t.pValue };
}

/** χ² on responses per version (no direction: a split is not better or worse by itself). */
export function distributionVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  const n = Object.values(s.versions).reduce((a, b) => a + b, 0);
  const nb = Object.values(baseline.versions).reduce((a, b) => a + b, 0);
  if (n === 0 || nb === 0) return { kind: 'no-test', test: null, pValue: null, note: 'no versioned responses' };
  const t = chiSquareContingency(baseline.versions, s.versions);
  return { kind: t.pValue < alpha ? 'differs' : 'same', test: 'chi-square', pValue: t.pValue };
}

/** Mann-Whitney on the latency histograms. */
export function latencyVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  if (s.latency === null || baseline.latency === null || s.latency.totalCount === 0 || baseline.latency.totalCount === 0) {
    return { kind: 'no-test', test: null, pValue: null, note: 'no latency histogram' };
  }
  return shiftVerdict(s.latency, baseline.latency, alpha);
}

/** Mann-Whitney per failover figure over trials; needs ≥ 2 trials on both sides. */
export function failoverVerdicts(s: CompareSubject, baseline: CompareSubject, alpha: number): Record<FailoverFigure, Verdict> | null {
  if (s.failover === null || baseline.failover === null) return null;
  const out = {} as Record<FailoverFigure, Verdict>;
  for (const figure of FAILOVER_FIGURES) {
    const a = s.failover.figures[figure].histogram;
    const b = baseline.failover.figures[figure].histogram;
    if (a === null || b === null || a.totalCount === 0 || b.totalCount === 0) {
      out[figure] = { kind: 'no-test', test: null, pValue: null, note: 'not measured' };
    } else if (a.totalCount < 2 || b.totalCount < 2) {
      out[figure] = { kind: 'no-test', test: null, pValue: null, note: 'single trial: no test' };
    } else {
      out[figure] = shiftVerdict(a, b, alpha);
    }
  }
  return out;
}

/** Every verdict of one subject against the baseline. */
export function compareSubject(s: CompareSubject, baseline: CompareSubject, alpha: number): SubjectComparison {
  return {
    key: s.key,
    errors: errorsVerdict(s, baseline, alpha),
    distribution: distributionVerdict(s, baseline, alpha),
    latency: latencyVerdict(s, baseline, alpha),
    failover: failoverVerdicts(s, baseline, alpha),
  };
}
