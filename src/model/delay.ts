import { formatDurationUs, parseDurationUs } from './duration.js';
import { fail, ok, type Parsed } from './validate-problems.js';

/** A delay distribution in µs: log-normal through its median and 99th percentile (equal = constant). */
export interface DelayUs {
  p50Us: number;
  p99Us: number;
}

/**
 * A Mesh-file delay: `300ms` (always that long) or `{p50: 300ms, p99: 1s}` (each occurrence drawn
 * from a log-normal through both points, so trials differ as real propagation does).
 */
export function parseDelay(v: unknown): Parsed<DelayUs> {
  if (typeof v === 'string' || typeof v === 'number') {
    const r = parseDurationUs(v);
    return r.ok ? ok({ p50Us: r.value, p99Us: r.value }) : r;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return fail('expected a duration or {p50, p99}', 'write "300ms" for a constant or "{p50: 300ms, p99: 1s}" for a distribution');
  }
  const rec = v as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => k !== 'p50' && k !== 'p99');
  if (extra.length > 0) return fail(`unknown field "${extra[0]}" in a delay`, 'a delay distribution has exactly p50 and p99');
  const p50 = parseDurationUs(rec['p50']);
  if (!p50.ok) return fail(`p50: ${p50.message}`, p50.hint);
  const p99 = parseDurationUs(rec['p99']);
  if (!p99.ok) return fail(`p99: ${p99.message}`, p99.hint);
  if (p99.value < p50.value) {
    return fail(`p99 ${formatDurationUs(p99.value)} is below p50 ${formatDurationUs(p50.value)}`, 'p99 must be at least p50');
  }
  return ok({ p50Us: p50.value, p99Us: p99.value });
}
