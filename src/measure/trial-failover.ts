import type { AccumulatorOptions } from './accumulator-options.js';
import type { Columns } from './columns.js';
import { defaultWindow, errorsBetween, failbackUs, firstFailoverSuccessUs, recoveryUs } from './failover.js';
import type { FailoverFigures, FailoverTrials } from './types.js';

/** Index that stands for "a version that served no request in this trial". */
const UNSEEN_VERSION = -2;

/**
 * The faulted workload: the caller's `faultedVersion`, else the version with most successes
 * before the fault (ties: the first name). −1 when unknown.
 */
function faultedIndex(opts: AccumulatorOptions, versions: readonly string[], beforeFault: Readonly<Record<string, number>>): number {
  if (opts.faultedVersion !== undefined) {
    const i = versions.indexOf(opts.faultedVersion);
    return i >= 0 ? i : UNSEEN_VERSION;
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
  return faulted;
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
  const spec = opts.failover;
  if (!spec) return null;
  const base: FailoverTrials = { fault: spec.fault, figures: [], missingFault: 0 };
  if (spec.restore !== undefined) base.restore = spec.restore;
  const faultUs = times.get(spec.fault);
  if (faultUs === undefined || cols === null) return { ...base, missingFault: 1 };
  const restoreAt = spec.restore !== undefined ? times.get(spec.restore) : undefined;
  const restoreUs = restoreAt !== undefined && restoreAt > faultUs ? restoreAt : undefined;
  const endUs = restoreUs ?? Infinity;
  const faulted = faultedIndex(opts, versions, beforeFault);
  const rule = defaultWindow(runEndUs);
  const order = cols.orderByScheduled(faultUs);
  const errors = errorsBetween(cols, faultUs, endUs);
  const figures: FailoverFigures = {
    recoveryUs: recoveryUs(cols, order, faultUs, endUs, rule),
    hitless: errors === 0,
    firstFailoverSuccessUs: firstFailoverSuccessUs(cols, faulted, faultUs, endUs),
    errorsDuringFailover: errors,
    failbackUs: restoreUs !== undefined ? failbackUs(cols, order, faulted, restoreUs, rule, opts.failbackShare ?? 0.99) : null,
    restored: restoreUs !== undefined,
    faultedVersion: faulted >= 0 ? (versions[faulted] ?? null) : faulted === UNSEEN_VERSION ? (opts.faultedVersion ?? null) : null,
    resolutionUs,
  };
  return { ...base, figures: [figures] };
}
