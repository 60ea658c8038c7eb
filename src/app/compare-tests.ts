import type { Histogram } from '../measure/histogram.js';
import { fisherExact, mannWhitneyValues } from '../measure/inference.js';
import { chiSquareContingency, mannWhitneyHistograms } from '../measure/stats.js';
import type { FailoverOutcome, TrialFailover, TrialFigures } from '../model/result.js';
import { FAILOVER_FIGURES, type CompareSubject, type FailoverFigure, type SubjectComparison, type Verdict } from '../render/compare-view.js';

/**
 * One significance test per compared figure, with trials as the unit wherever trials exist
 * (docs/measures.md "Comparisons"): requests inside one trial are not independent (one fault is a
 * burst of failures), so a request-level test finds "differences" between two runs of one model
 * far more often than α. Per figure:
 *
 * - errors: Mann-Whitney over the per-trial error rates;
 * - split: Mann-Whitney over each version's per-trial share, Bonferroni over the versions;
 * - latency: Mann-Whitney over the per-trial medians of successful requests (failed requests,
 *   often fast 503s, are left out);
 * - failover figures: Mann-Whitney over the trials, trials that never recovered / failed back
 *   ranked worst (censored), trials the run ended too early to judge left out and counted.
 *
 * Mann-Whitney is exact (permutation distribution with ties) up to 30 trials in all. With fewer than two
 * trials on a side there is nothing to compare trials with: the request-level test (Fisher's exact
 * test for errors, χ² for the split, Mann-Whitney on histograms for latency) is shown as
 * descriptive, with no verdict. Each test is at level `alpha` on its own (no correction across
 * the figures of a comparison; the report says so). Higher latency, error rate and failover
 * figures are worse.
 */

/** Fewest trials per side for a trial-level test. */
export const MIN_TRIALS_PER_SIDE = 2;

type Side = readonly TrialFigures[] | null;

function trialsOf(s: CompareSubject): Side {
  return s.perTrial !== null && s.perTrial.length >= MIN_TRIALS_PER_SIDE ? s.perTrial : null;
}

/** Verdict of a trial-level Mann-Whitney (`higherIsWorse` false: `differs`). */
function rankVerdict(a: readonly number[], b: readonly number[], alpha: number, higherIsWorse: boolean): Verdict {
  const mw = mannWhitneyValues(a, b);
  const significant = mw.pValue < alpha;
  const kind = !significant ? 'same' : !higherIsWorse ? 'differs' : mw.probabilityOfSuperiority > 0.5 ? 'worse' : 'better';
  return { kind, test: 'mann-whitney', unit: 'trials', method: mw.method, pValue: mw.pValue, probabilityOfSuperiority: mw.probabilityOfSuperiority };
}

/** Why a request-level result is only descriptive. */
function descriptiveNote(s: CompareSubject, baseline: CompareSubject): string {
  const few = (x: CompareSubject) => x.perTrial !== null && x.perTrial.length < MIN_TRIALS_PER_SIDE;
  return few(s) || few(baseline) ? 'one trial on a side' : 'no per-trial figures (result older than result/v2)';
}

/** Failed vs successful requests: per-trial error rates, else Fisher's exact test (descriptive). */
export function errorsVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  if (s.requests === 0 || baseline.requests === 0) return { kind: 'no-test', test: null, pValue: null, note: s.requests > 0 ? 'no requests in baseline' : 'no requests' };
  const a = trialsOf(s);
  const b = trialsOf(baseline);
  if (a !== null && b !== null) {
    const rates = (t: readonly TrialFigures[]) => t.filter((x) => x.requests > 0).map((x) => x.errors / x.requests);
    return rankVerdict(rates(a), rates(b), alpha, true);
  }
  const f = fisherExact(s.errors, s.requests, baseline.errors, baseline.requests);
  return { kind: 'no-test', test: 'fisher', unit: 'requests', method: 'exact', descriptive: true, pValue: f.pValue, note: descriptiveNote(s, baseline) };
}

/** Responses per version: per-trial shares (no direction: a split is not better or worse by itself). */
export function distributionVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  const n = Object.values(s.versions).reduce((x, y) => x + y, 0);
  const nb = Object.values(baseline.versions).reduce((x, y) => x + y, 0);
  if (n === 0 || nb === 0) return { kind: 'no-test', test: null, pValue: null, note: n > 0 ? 'no versioned responses in baseline' : 'no versioned responses' };
  const a = trialsOf(s);
  const b = trialsOf(baseline);
  if (a !== null && b !== null) {
    const versions = [...new Set([...Object.keys(s.versions), ...Object.keys(baseline.versions)])].sort();
    const shares = (t: readonly TrialFigures[], v: string) =>
      t.flatMap((x) => {
        const ok = Object.values(x.versions).reduce((p, q) => p + q, 0);
        return ok > 0 ? [(x.versions[v] ?? 0) / ok] : [];
      });
    // Two versions: one share decides the other, one test. More: Bonferroni over the versions.
    const tests = (versions.length === 2 ? versions.slice(0, 1) : versions).map((v) => mannWhitneyValues(shares(a, v), shares(b, v)));
    const minP = Math.min(...tests.map((t) => t.pValue));
    const p = Math.min(1, minP * tests.length);
    const method = tests.every((t) => t.method === 'exact') ? 'exact' : 'normal';
    return { kind: p < alpha ? 'differs' : 'same', test: 'mann-whitney', unit: 'trials', method, pValue: p };
  }
  const t = chiSquareContingency(baseline.versions, s.versions);
  return { kind: 'no-test', test: 'chi-square', unit: 'requests', method: 'normal', descriptive: true, pValue: t.pValue, note: descriptiveNote(s, baseline) };
}

/** Latency of successful requests: per-trial medians, else Mann-Whitney on the histograms (descriptive). */
export function latencyVerdict(s: CompareSubject, baseline: CompareSubject, alpha: number): Verdict {
  const a = trialsOf(s);
  const b = trialsOf(baseline);
  if (a !== null && b !== null) {
    const medians = (t: readonly TrialFigures[]) => t.flatMap((x) => (x.okLatencyP50Ms !== null ? [x.okLatencyP50Ms] : []));
    const ma = medians(a);
    const mb = medians(b);
    if (ma.length >= MIN_TRIALS_PER_SIDE && mb.length >= MIN_TRIALS_PER_SIDE) return rankVerdict(ma, mb, alpha, true);
  }
  if (s.latency === null || baseline.latency === null || s.latency.totalCount === 0 || baseline.latency.totalCount === 0) {
    const subjectHas = s.latency !== null && s.latency.totalCount > 0;
    return { kind: 'no-test', test: null, pValue: null, note: subjectHas ? 'no latency histogram in baseline' : 'no latency histogram' };
  }
  const mw = mannWhitneyHistograms(s.latency, baseline.latency);
  return {
    kind: 'no-test',
    test: 'mann-whitney',
    unit: 'requests',
    method: 'normal',
    descriptive: true,
    pValue: mw.pValue,
    probabilityOfSuperiority: mw.probabilityOfSuperiority,
    note: `${descriptiveNote(s, baseline)}, failed requests included`,
  };
}

/** A trial's value of a failover figure: a number, Infinity when censored (never), null when not measured. */
function figureValue(f: TrialFailover, figure: FailoverFigure): number | null {
  const timed = (outcome: FailoverOutcome | undefined, ms: number | null): number | null =>
    outcome === 'run-ended' ? null : ms !== null ? ms : outcome === undefined ? null : Infinity;
  switch (figure) {
    case 'recovery':
      return timed(f.recovery, f.recoveryMs);
    case 'failback':
      return f.failback === undefined ? null : timed(f.failback, f.failbackMs);
    case 'firstFailoverSuccess':
      // No success served elsewhere after the fault: worse than any time.
      return f.firstFailoverSuccessMs ?? Infinity;
    case 'errorsDuringFailover':
      return f.errorsDuringFailover;
  }
}

function failoverValues(t: readonly TrialFigures[], figure: FailoverFigure): { values: number[]; censored: number; notMeasured: number } {
  const values: number[] = [];
  let notMeasured = 0;
  for (const x of t) {
    if (x.failover === undefined) continue;
    const v = figureValue(x.failover, figure);
    if (v === null) notMeasured++;
    else values.push(v);
  }
  return { values, censored: values.filter((v) => v === Infinity).length, notMeasured };
}

interface SideValues {
  trials: readonly TrialFigures[];
  values: readonly number[];
  notMeasured: number;
}

/**
 * Why a failover figure gets no test when a side has fewer than two values: the note sits beside
 * the subject's figures, so it names the side that lacks them and the reason (issue 17: never a
 * measured figure beside a bare "not measured"): `single trial: no test` (one trial each),
 * `not measured in baseline: run ended`, `no test: 1 measured trial in baseline`…
 */
function fewValuesNote(figure: FailoverFigure, subject: SideValues, baseline: SideValues): string {
  const why = (x: SideValues): string => {
    const withFigure = x.trials.filter((t) => t.failover !== undefined);
    if (figure === 'failback' && withFigure.length > 0 && withFigure.every((t) => t.failover!.failback === undefined)) return 'no restore event';
    return x.notMeasured > 0 ? 'run ended' : 'no failover figures';
  };
  if (subject.values.length === 0) return `not measured: ${why(subject)}`;
  if (baseline.values.length === 0) return `not measured in baseline: ${why(baseline)}`;
  if (subject.trials.length < MIN_TRIALS_PER_SIDE || baseline.trials.length < MIN_TRIALS_PER_SIDE) return 'single trial: no test';
  const short = subject.values.length < MIN_TRIALS_PER_SIDE ? subject : baseline;
  return `no test: ${short.values.length} measured trial${short.values.length === 1 ? '' : 's'}${short === baseline ? ' in baseline' : ''}`;
}

/** Mann-Whitney per failover figure over trials, censored trials ranked worst; ≥ 2 trials per side. */
export function failoverVerdicts(s: CompareSubject, baseline: CompareSubject, alpha: number): Record<FailoverFigure, Verdict> | null {
  if (s.failover === null || baseline.failover === null) return null;
  const a = s.perTrial;
  const b = baseline.perTrial;
  const out = {} as Record<FailoverFigure, Verdict>;
  for (const figure of FAILOVER_FIGURES) {
    if (a === null || b === null) {
      out[figure] = histogramFailoverVerdict(s.failover.figures[figure].histogram, baseline.failover.figures[figure].histogram, alpha);
      continue;
    }
    const va = failoverValues(a, figure);
    const vb = failoverValues(b, figure);
    const counts = { censored: { subject: va.censored, baseline: vb.censored }, notMeasured: { subject: va.notMeasured, baseline: vb.notMeasured } };
    if (va.values.length < MIN_TRIALS_PER_SIDE || vb.values.length < MIN_TRIALS_PER_SIDE) {
      out[figure] = { kind: 'no-test', test: null, pValue: null, note: fewValuesNote(figure, { trials: a, ...va }, { trials: b, ...vb }), ...counts };
    } else {
      out[figure] = { ...rankVerdict(va.values, vb.values, alpha, true), ...counts };
    }
  }
  return out;
}

/** Results without per-trial figures: Mann-Whitney on the stored per-trial histograms (censored trials are not in them). */
function histogramFailoverVerdict(a: Histogram | null, b: Histogram | null, alpha: number): Verdict {
  if (a === null || a.totalCount === 0) return { kind: 'no-test', test: null, pValue: null, note: 'not measured' };
  if (b === null || b.totalCount === 0) return { kind: 'no-test', test: null, pValue: null, note: 'not measured in baseline' };
  if (a.totalCount < MIN_TRIALS_PER_SIDE || b.totalCount < MIN_TRIALS_PER_SIDE) return { kind: 'no-test', test: null, pValue: null, note: 'single trial: no test' };
  const mw = mannWhitneyHistograms(a, b);
  const kind = mw.pValue >= alpha ? 'same' : mw.z > 0 ? 'worse' : 'better';
  return { kind, test: 'mann-whitney', unit: 'trials', method: 'normal', pValue: mw.pValue, probabilityOfSuperiority: mw.probabilityOfSuperiority, note: 'no per-trial figures: trials that never recovered are not in this test' };
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
