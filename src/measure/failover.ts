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
 * condition is "not met yet", so a trial that ends mid-window is "not recovered".
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

/**
 * `recovery`: time from the fault until the first request after which every request in a window of
 * max(1 s, 20 requests) succeeds. Candidates are the requests scheduled after the first failure
 * and before `endUs` (the restore event, or the end of the run); the window itself may reach past
 * `endUs`. Returns 0 when no request in [faultUs, endUs) failed (hitless), null when no candidate
 * qualifies (failures continue to the end, or the trial ended before a clean window was observed).
 * @example recoveryUs(cols, order, 20e6, 40e6, defaultWindow(60e6)) // 412000: clean from 20.412 s
 */
export function recoveryUs(cols: Columns, order: Uint32Array, faultUs: number, endUs: number, rule: WindowRule): number | null {
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
  if (firstFail < 0) return 0;
  let nextFail = -1; // position of the next failure ≥ p
  let hint = 0;
  for (let p = firstFail + 1; p < order.length; p++) {
    if (s[order[p]!]! >= endUs) return null;
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
    if (end < 0) return null;
    hint = end;
    if (nextFail > end) return s[order[p]!]! - faultUs;
    p = nextFail; // no window starting at or before the failure can be clean
  }
  return null;
}

/**
 * `firstFailoverSuccess`: time from the fault to the completion of the first successful response
 * served outside the faulted workload (a known version other than `faultedVersion`) that completed
 * in [faultUs, endUs). Null when none did or the faulted workload is unknown (`faultedVersion`
 * −1; any other negative index stands for a version that served nothing in this trial).
 */
export function firstFailoverSuccessUs(cols: Columns, faultedVersion: number, faultUs: number, endUs: number): number | null {
  if (faultedVersion === -1) return null;
  let best = Infinity;
  for (let i = 0; i < cols.n; i++) {
    const end = cols.endUs[i]!;
    if (end < faultUs || end >= endUs || end >= best) continue;
    const v = cols.version[i]!;
    if (v >= 0 && v !== faultedVersion && isSuccess(cols.status[i]!)) best = end;
  }
  return best === Infinity ? null : best - faultUs;
}

/**
 * `failback`: time from the restore until the first request from which a window of
 * max(1 s, 20 requests) has at least `share` (0.99) of its requests successfully served by the
 * restored workload. Candidates are requests scheduled at or after `restoreUs` (`order` must start
 * there). Null when never reached ("not failed back") or the workload is unknown.
 */
export function failbackUs(cols: Columns, order: Uint32Array, faultedVersion: number, restoreUs: number, rule: WindowRule, share: number): number | null {
  if (faultedVersion < 0) return null;
  const s = cols.scheduledUs;
  const served = (row: number): number => (cols.version[row] === faultedVersion && isSuccess(cols.status[row]!) ? 1 : 0);
  let inWindow = 0; // served requests in positions [p, end]
  let end = -1;
  for (let p = 0; p < order.length; p++) {
    if (s[order[p]!]! < restoreUs) continue;
    const e = windowEnd(cols, order, p, rule, Math.max(end, p));
    if (e < 0) return null;
    if (end < p) {
      inWindow = 0;
      for (let q = p; q <= e; q++) inWindow += served(order[q]!);
    } else {
      for (let q = end + 1; q <= e; q++) inWindow += served(order[q]!);
    }
    end = e;
    if (inWindow >= share * (e - p + 1)) return s[order[p]!]! - restoreUs;
    inWindow -= served(order[p]!);
  }
  return null;
}
