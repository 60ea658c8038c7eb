import { isSuccess } from '../model/sample.js';
import type { Columns } from './columns.js';

/**
 * Failover figures of one trial (product.md §4). Every function works on request rows ordered by
 * scheduled time (`order`, from `Columns.orderByScheduled`), in µs.
 *
 * The judgement window of recovery and failback is max(1 s, 20 requests): from request i it
 * holds every request scheduled within 1 s of request i, extended to at least 20 requests. A
 * window is judged only when it was fully observed: 20 requests exist from i on and the run
 * (the scheduling horizon `runEndUs`) lasted at least 1 s past request i; otherwise the
 * condition is "not met yet". A trial that ends mid-window with no failure left is "not measured:
 * run ended", distinct from "never recovered".
 */
export interface WindowRule {
  spanUs: number;
  minRequests: number;
  /** End of the scheduling horizon (µs): no request is scheduled at or after it. */
  runEndUs: number;
}

/** The window of product.md §4: max(1 s, 20 requests). */
export function defaultWindow(runEndUs: number): WindowRule {
  return { spanUs: 1_000_000, minRequests: 20, runEndUs };
}

/**
 * Last position (inclusive, in `order`) of the window starting at position `p`, or −1 when the
 * window is not fully observed. `hint` is a position known to be ≤ the answer (monotone scans).
 */
function windowEnd(cols: Columns, order: Uint32Array, p: number, rule: WindowRule, hint: number): number {
  const s = cols.scheduledUs;
  const startUs = s[order[p]!]!;
  if (startUs + rule.spanUs > rule.runEndUs) return -1;
  if (p + rule.minRequests - 1 >= order.length) return -1;
  let q = Math.max(hint, p + rule.minRequests - 1);
  while (q + 1 < order.length && s[order[q + 1]!]! < startUs + rule.spanUs) q++;
  return q;
}

/**
 * Number of failures among requests scheduled in [faultUs, endUs) — `errorsDuringFailover`.
 */
export function errorsBetween(cols: Columns, faultUs: number, endUs: number): number {
  let errors = 0;
  for (let i = 0; i < cols.n; i++) {
    const sch = cols.scheduledUs[i]!;
    if (sch >= faultUs && sch < endUs && !isSuccess(cols.status[i]!)) errors++;
  }
  return errors;
}

/** A recovery or failback time, or why there is none (see `FailoverOutcome` in the result model). */
export type TimedOutcome = { outcome: 'reached'; us: number } | { outcome: 'never' | 'run-ended'; us: null };

const NEVER: TimedOutcome = { outcome: 'never', us: null };
const RUN_ENDED: TimedOutcome = { outcome: 'run-ended', us: null };

/**
 * `recovery`: time from the fault until the *scheduled send* of the first request after which every
 * request in a window of max(1 s, 20 requests) succeeds (every failover time is measured from the
 * fault to a send, never to a completion, except `firstFailoverSuccess`, which is about a response).
 * Candidates are the requests scheduled after the first failure and before `endUs` (the restore
 * event, or the end of the run); the window itself may reach past `endUs`. 0 when no request in
 * [faultUs, endUs) failed (hitless). `never` when failures go on until `endUs` or the run's last
 * request; `run-ended` when the requests after the last failure succeeded but the run ended before
 * a full window of them could be observed (not measured, as opposed to never recovered).
 * @example recoveryOutcome(cols, order, 20e6, 40e6, defaultWindow(60e6)) // { outcome: 'reached', us: 412000 }
 */
export function recoveryOutcome(cols: Columns, order: Uint32Array, faultUs: number, endUs: number, rule: WindowRule): TimedOutcome {
  const s = cols.scheduledUs;
  const st = cols.status;
  let firstFail = -1;
  for (let p = 0; p < order.length; p++) {
    const row = order[p]!;
    if (s[row]! >= endUs) break;
    if (!isSuccess(st[row]!)) {
      firstFail = p;
      break;
    }
  }
  if (firstFail < 0) return { outcome: 'reached', us: 0 };
  let nextFail = -1; // position of the next failure ≥ p
  let hint = 0;
  for (let p = firstFail + 1; p < order.length; p++) {
    if (s[order[p]!]! >= endUs) return NEVER;
    if (nextFail < p) {
      nextFail = order.length;
      for (let q = p; q < order.length; q++) {
        if (!isSuccess(st[order[q]!]!)) {
          nextFail = q;
          break;
        }
      }
    }
    const end = windowEnd(cols, order, p, rule, hint);
    // No full window from here on: the run ended before recovery could be judged, unless it ended
    // while still failing (its last request failed) or the clean traffic began only after `endUs`.
    if (end < 0) return endedUnjudged(cols, order, endUs);
    hint = end;
    if (nextFail > end) return { outcome: 'reached', us: s[order[p]!]! - faultUs };
    p = nextFail; // no window starting at or before the failure can be clean
  }
  return NEVER;
}

/** `run-ended` when the trial's last request succeeded and the requests after its last failure began before `endUs`, else `never`. */
function endedUnjudged(cols: Columns, order: Uint32Array, endUs: number): TimedOutcome {
  let last = order.length - 1;
  if (last < 0 || !isSuccess(cols.status[order[last]!]!)) return NEVER;
  while (last > 0 && isSuccess(cols.status[order[last - 1]!]!)) last--;
  return cols.scheduledUs[order[last]!]! < endUs ? RUN_ENDED : NEVER;
}

/** `recoveryOutcome` as a time, null when not reached. */
export function recoveryUs(cols: Columns, order: Uint32Array, faultUs: number, endUs: number, rule: WindowRule): number | null {
  return recoveryOutcome(cols, order, faultUs, endUs, rule).us;
}

/**
 * `firstFailoverSuccess`: time from the fault to the completion of the first successful response
 * served outside the faulted workload (a known version not in `faulted`, the version index or
 * indices taken down) that completed in [faultUs, endUs). Null when none did or the faulted
 * workload is unknown (an empty list or −1; any other negative index stands for a version that
 * served nothing in this trial).
 */
export function firstFailoverSuccessUs(cols: Columns, faulted: number | readonly number[], faultUs: number, endUs: number): number | null {
  const set = typeof faulted === 'number' ? [faulted] : faulted;
  if (set.length === 0 || set.includes(-1)) return null;
  let best = Infinity;
  for (let i = 0; i < cols.n; i++) {
    const end = cols.endUs[i]!;
    if (end < faultUs || end >= endUs || end >= best) continue;
    const v = cols.version[i]!;
    if (v >= 0 && !set.includes(v) && isSuccess(cols.status[i]!)) best = end;
  }
  return best === Infinity ? null : best - faultUs;
}

/**
 * `failback`: time from the restore until the first request from which a window of
 * max(1 s, 20 requests) has at least `share` (0.99) of its requests successfully served by the
 * restored workload (any of the `faulted` versions). Candidates are requests scheduled at or after `restoreUs` (`order` must start
 * there). Null when never reached ("not failed back") or the workload is unknown.
 */
export function failbackUs(cols: Columns, order: Uint32Array, faulted: number | readonly number[], restoreUs: number, rule: WindowRule, share: number): number | null {
  return failbackOutcome(cols, order, faulted, restoreUs, rule, share).us;
}

/**
 * `failbackUs` with the reason when not reached: `run-ended` when the run ended before any full
 * window after the restore could be judged, `never` otherwise (including an unknown workload).
 */
export function failbackOutcome(cols: Columns, order: Uint32Array, faulted: number | readonly number[], restoreUs: number, rule: WindowRule, share: number): TimedOutcome {
  const set = (typeof faulted === 'number' ? [faulted] : faulted).filter((v) => v >= 0);
  if (set.length === 0) return NEVER;
  const s = cols.scheduledUs;
  const served = (row: number): number => (set.includes(cols.version[row]!) && isSuccess(cols.status[row]!) ? 1 : 0);
  let inWindow = 0; // served requests in positions [p, end]
  let end = -1;
  for (let p = 0; p < order.length; p++) {
    if (s[order[p]!]! < restoreUs) continue;
    const e = windowEnd(cols, order, p, rule, Math.max(end, p));
    if (e < 0) return end < 0 ? RUN_ENDED : NEVER;
    if (end < p) {
      inWindow = 0;
      for (let q = p; q <= e; q++) inWindow += served(order[q]!);
    } else {
      for (let q = end + 1; q <= e; q++) inWindow += served(order[q]!);
    }
    end = e;
    if (inWindow >= share * (e - p + 1)) return { outcome: 'reached', us: s[order[p]!]! - restoreUs };
    inWindow -= served(order[p]!);
  }
  return end < 0 ? RUN_ENDED : NEVER;
}
