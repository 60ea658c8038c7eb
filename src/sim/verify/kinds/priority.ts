/**
 * priority_load / panic / degraded_load: Envoy's per-priority load maths on host counts.
 */
import { choosePriority, computePriorityLoads } from '../../envoy/priority-load.js';
import type { PriorityLevelHealth } from '../../xds-types.js';
import type { AdapterContext } from '../context.js';
import { ShapeError, type Fields } from '../fields.js';

/** Levels as objects `{total_hosts, healthy_hosts, degraded_hosts?, excluded_hosts?}` or tuples `[total, healthy, degraded?, excluded?]`. */
export function readLevels(input: Fields, key = 'levels'): PriorityLevelHealth[] {
  const list = input.list(key);
  if (list === undefined) throw new ShapeError(`${input.path}.${key} is missing`);
  return list.map((entry, i) => {
    if (Array.isArray(entry)) {
      const [total, healthy, degraded, excluded] = entry as unknown[];
      if (typeof total !== 'number' || typeof healthy !== 'number') throw new ShapeError(`${input.path}.${key}[${i}] is not [total, healthy, ...]`);
      return { total, healthy, degraded: typeof degraded === 'number' ? degraded : 0, excluded: typeof excluded === 'number' ? excluded : 0 };
    }
    const f = input.child(entry, `${input.path}.${key}[${i}]`);
    return {
      total: f.reqNum('total_hosts'),
      healthy: f.reqNum('healthy_hosts'),
      degraded: f.numOr('degraded_hosts', 0),
      excluded: f.numOr('excluded_hosts', 0),
    };
  });
}

export function priorityAdapter(ctx: AdapterContext): void {
  const { input, expected } = ctx;
  const opf = input.numOr('overprovisioning_factor', 140);
  const threshold = input.numOr('healthy_panic_threshold', 50);
  const loads = computePriorityLoads(readLevels(input), opf, threshold);
  // Doc values are the printed tables; `expected` holds the code value (mesh-behaviour.md §3.2).
  expected.consume('doc_table_value', 'doc_inconsistent');
  if (expected.has('healthy_priority_load_pct')) ctx.check('healthy_priority_load_pct', expected.raw('healthy_priority_load_pct'), loads.healthy);
  if (expected.has('degraded_priority_load_pct')) ctx.check('degraded_priority_load_pct', expected.raw('degraded_priority_load_pct'), loads.degraded);
  if (expected.has('in_panic')) ctx.check('in_panic', expected.raw('in_panic'), loads.inPanic);
  if (expected.has('total_panic')) ctx.check('total_panic', expected.raw('total_panic'), loads.totalPanic);
  if (expected.has('normalized_total_health')) ctx.check('normalized_total_health', expected.raw('normalized_total_health'), loads.normalizedTotalHealth);
  // Optional: priority chosen for given hashes (1..100).
  const hashes = input.list('hashes');
  if (hashes !== undefined && expected.has('chosen_priorities')) {
    const got = hashes.map((h) => (typeof h === 'number' ? choosePriority(loads, h).priority : null));
    ctx.check('chosen_priorities', expected.raw('chosen_priorities'), got);
  }
}
