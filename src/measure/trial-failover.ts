import type { AccumulatorOptions } from './accumulator-options.js';
import type { Columns } from './columns.js';
import { defaultWindow, errorsBetween, failbackOutcome, firstFailoverSuccessUs, recoveryOutcome, type TimedOutcome } from './failover.js';
import type { OrderedCounts } from './ordered-counts.js';
import type { FailoverFigures, FailoverTrials } from './types.js';

/** Index that stands for "a version that served no request in this trial". */
const UNSEEN_VERSION = -2;

/**
 * The faulted workload's version indices: the caller's `faultedVersions` / `faultedVersion`, else
 * the version with most successes before the fault (ties: the first name). Empty when unknown
 * (no traffic before the fault and nothing named).
 */
export function faultedIndices(opts: AccumulatorOptions, versions: readonly string[], beforeFault: Readonly<Record<string, number>>): number[] {
  const named = opts.faultedVersions ?? (opts.faultedVersion !== undefined ? [opts.faultedVersion] : undefined);
  if (named !== undefined && named.length > 0) {
    return named.map((v) => {
      const i = versions.indexOf(v);
      return i >= 0 ? i : UNSEEN_VERSION;
    });
  }
  let best = 0;
  let faulted = -1;
  for (const name of Object.keys(beforeFault).sort()) {
    const count = beforeFault[name]!;
    if (count > best) {
      best = count;
      faulted = versions.indexOf(name);
    }
  }
  return faulted >= 0 ? [faulted] : [];
}

function faultedName(opts: AccumulatorOptions, versions: readonly string[], faulted: readonly number[]): string | null {
  const named = opts.faultedVersions ?? (opts.faultedVersion !== undefined ? [opts.faultedVersion] : undefined);
  if (named !== undefined && named.length > 0) return named.join('+');
  return faulted.length > 0 ? (versions[faulted[0]!] ?? null) : null;
}

/**
 * The fault and restore of a trial's failover measure: null without one, `missing` when the fault
 * never happened, else their times (a restore that did not come after the fault is none).
 */
function failoverFrame(
  opts: AccumulatorOptions,
  times: ReadonlyMap<string, number>,
): null | { base: FailoverTrials; missing: true } | { base: FailoverTrials; faultUs: number; restoreUs: number | undefined } {
  const spec = opts.failover;
  if (!spec) return null;
  const base: FailoverTrials = { fault: spec.fault, figures: [], missingFault: 0 };
  if (spec.restore !== undefined) base.restore = spec.restore;
  const faultUs = times.get(spec.fault);
  if (faultUs === undefined) return { base, missing: true };
  const restoreAt = spec.restore !== undefined ? times.get(spec.restore) : undefined;
  return { base, faultUs, restoreUs: restoreAt !== undefined && restoreAt > faultUs ? restoreAt : undefined };
}

/**
 * Failover figures of one trial (product.md §4) from the rows, or null without a failover measure.
 * A trial whose fault event never happened gets no figures and counts in `missingFault`.
 */
export function trialFailover(
  opts: AccumulatorOptions,
  versions: readonly string[],
  cols: Columns | null,
  times: ReadonlyMap<string, number>,
  beforeFault: Readonly<Record<string, number>>,
  runEndUs: number,
  resolutionUs: number,
): FailoverTrials | null {
  const frame = failoverFrame(opts, times);
  if (frame === null || 'missing' in frame || cols === null) return frame === null ? null : { ...frame.base, missingFault: 1 };
  const { base, faultUs, restoreUs } = frame;
  const endUs = restoreUs ?? Infinity;
  const faulted = faultedIndices(opts, versions, beforeFault);
  const rule = defaultWindow(runEndUs);
  const order = cols.orderByScheduled(faultUs);
  const errors = errorsBetween(cols, faultUs, endUs);
  const recovery = recoveryOutcome(cols, order, faultUs, endUs, rule);
  const failback = restoreUs !== undefined ? failbackOutcome(cols, order, faulted, restoreUs, rule, opts.failbackShare ?? 0.99) : null;
  const firstUs = firstFailoverSuccessUs(cols, faulted, faultUs, endUs);
  return { ...base, figures: [figuresOf({ recovery, failback, errors, firstUs, restored: restoreUs !== undefined, faultedVersion: faultedName(opts, versions, faulted), resolutionUs })] };
}

/** One trial's figures from its outcomes (rows or stream alike). */
function figuresOf(o: {
  recovery: TimedOutcome;
  failback: TimedOutcome | null;
  errors: number;
  firstUs: number | null;
  restored: boolean;
  faultedVersion: string | null;
  resolutionUs: number;
}): FailoverFigures {
  const figures: FailoverFigures = {
    recoveryUs: o.recovery.us,
    recovery: o.recovery.outcome,
    hitless: o.errors === 0,
    firstFailoverSuccessUs: o.firstUs,
    errorsDuringFailover: o.errors,
    failbackUs: o.failback?.us ?? null,
    restored: o.restored,
    faultedVersion: o.faultedVersion,
    resolutionUs: o.resolutionUs,
  };
  if (o.failback !== null) figures.failback = o.failback.outcome;
  return figures;
}

/**
 * Which version indices the restored workload answers with, for the streamed failback
 * (OrderedCounts): the same choice as `faultedIndices`, made once the requests before the fault
 * are all counted. Named versions are matched by name, so a version first seen later still counts.
 */
export function restoredVersionTest(opts: AccumulatorOptions, versions: readonly string[], beforeFault: Readonly<Record<string, number>>): (version: number) => boolean {
  const named = opts.faultedVersions ?? (opts.faultedVersion !== undefined ? [opts.faultedVersion] : undefined);
  if (named !== undefined && named.length > 0) {
    const set = new Set(named);
    return (v) => v >= 0 && set.has(versions[v]!);
  }
  const [faulted] = faultedIndices(opts, versions, beforeFault);
  return (v) => faulted !== undefined && v === faulted;
}

/** `trialFailover` from the counts streamed in scheduled order (OrderedCounts) instead of the rows. */
export function streamedTrialFailover(
  opts: AccumulatorOptions,
  versions: readonly string[],
  ord: OrderedCounts,
  times: ReadonlyMap<string, number>,
  beforeFault: Readonly<Record<string, number>>,
  resolutionUs: number,
): FailoverTrials | null {
  const frame = failoverFrame(opts, times);
  if (frame === null || 'missing' in frame) return frame === null ? null : { ...frame.base, missingFault: 1 };
  const { base, faultUs, restoreUs } = frame;
  const faulted = faultedIndices(opts, versions, beforeFault);
  const recovery = ord.recovery?.outcome(restoreUs ?? Infinity) ?? { outcome: 'reached' as const, us: 0 };
  // failbackOutcome gives "never" at once when the restored workload served nothing in the trial.
  const failback =
    restoreUs === undefined ? null : faulted.filter((v) => v >= 0).length === 0 ? { outcome: 'never' as const, us: null } : (ord.failback?.outcome() ?? { outcome: 'run-ended' as const, us: null });
  let first = Infinity;
  if (faulted.length > 0 && !faulted.includes(-1)) {
    const ends = ord.firstSuccessEndUs;
    for (let v = 0; v < ends.length; v++) {
      const end = ends[v];
      if (end !== undefined && !faulted.includes(v) && end < first) first = end;
    }
  }
  const errors = ord.errorsDuringFailover;
  const firstUs = first === Infinity ? null : first - faultUs;
  return { ...base, figures: [figuresOf({ recovery, failback, errors, firstUs, restored: restoreUs !== undefined, faultedVersion: faultedName(opts, versions, faulted), resolutionUs })] };
}
