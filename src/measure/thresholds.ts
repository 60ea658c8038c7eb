import { censoredNote, metricUnit, readMetric } from '../model/metrics.js';
import type { Threshold, ThresholdOutcome } from '../model/threshold.js';
import type { MergedMeasures } from './types.js';
import { windowKey } from './types.js';

/** Relative tolerance of `==` (shares and means are floats). */
const EQUAL_TOLERANCE = 1e-9;

function compare(value: number, op: Threshold['op'], limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return Math.abs(value - limit) <= EQUAL_TOLERANCE * Math.max(1, Math.abs(value), Math.abs(limit));
  }
}

/**
 * The threshold's value in the metric's unit, or a reason it cannot be compared. Durations compare
 * with ms metrics, percentages and plain numbers ≤ 1 with shares, plain numbers with counts;
 * a plain number against a time is taken as ms (k6 convention).
 */
function limitFor(t: Threshold, unit: 'ms' | 'fraction' | 'count'): { limit: number } | { note: string } {
  const v = t.value;
  if (unit === 'ms' && (v.unit === 'ms' || v.unit === 'number')) return { limit: v.value };
  if (unit === 'fraction' && (v.unit === 'fraction' || v.unit === 'number')) return { limit: v.value };
  if (unit === 'count' && v.unit === 'number') return { limit: v.value };
  const what = v.unit === 'ms' ? 'a duration' : v.unit === 'fraction' ? 'a percentage' : 'a number';
  return { note: `${t.metric.join('.')} is ${unit === 'ms' ? 'a time' : unit === 'fraction' ? 'a share' : 'a count'}, but the value is ${what}` };
}

/**
 * Judges every threshold against the merged measures (product.md §5): the overall summary, or the
 * summary of requests scheduled between the two events of a `during a..b` clause. A value that
 * cannot be read (unknown path, no requests, no failover section, window never happened) is not ok,
 * with a note saying why. Outcomes keep the order of `thresholds`.
 * @example evaluateThresholds([parseThreshold('errors.rate < 1%')], merged) // [{ expr, value: 0.0052, ok: true }]
 */
export function evaluateThresholds(thresholds: readonly Threshold[], merged: MergedMeasures): ThresholdOutcome[] {
  return thresholds.map((t): ThresholdOutcome => {
    const unit = metricUnit(t.metric);
    if (unit === undefined) return { expr: t.expr, value: null, ok: false, note: `unknown metric "${t.metric.join('.')}"` };
    // `{client=…}`: that client's measures. A run with one client keeps no per-client measures, and
    // validation admits only the scenario's own client there, so its figures are the overall ones.
    let of: MergedMeasures = merged;
    if (t.client !== undefined && merged.clients !== undefined) {
      const c = merged.clients.find((x) => x.name === t.client);
      if (c === undefined) return { expr: t.expr, value: null, ok: false, note: `client ${t.client} is not in this run (clients: ${merged.clients.map((x) => x.name).join(', ')})` };
      of = c.measures;
    }
    let summary = of.summary;
    if (t.during !== undefined) {
      const w = of.windows[windowKey(t.during.from, t.during.to)];
      if (w === undefined) {
        return { expr: t.expr, value: null, ok: false, note: `window ${t.during.from}..${t.during.to} was not measured (an event never happened)` };
      }
      summary = w;
    }
    const value = readMetric(summary, t.metric);
    if (value === null || !Number.isFinite(value)) {
      // A percentile over trials that reaches a trial that never recovered fails: that trial is
      // worse than any limit.
      const censored = censoredNote(summary, t.metric);
      if (censored !== null) return { expr: t.expr, value: null, ok: false, note: censored };
      return { expr: t.expr, value: null, ok: false, note: `no value for ${t.metric.join('.')}${t.during ? ` during ${t.during.from}..${t.during.to}` : ''}` };
    }
    const limit = limitFor(t, unit);
    if ('note' in limit) return { expr: t.expr, value, ok: false, note: limit.note };
    return { expr: t.expr, value, ok: compare(value, t.op, limit.limit) };
  });
}
