/**
 * Value comparison and compact formatting for vector checks.
 */

/** Deep equality; numbers may differ by `tolerance` (absolute). */
export function deepEqual(a: unknown, b: unknown, tolerance = 0): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= tolerance;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i], tolerance));
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (!deepEqual(ka, kb)) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance));
}

/**
 * Compare a model output with an expected value the way vectors are written: objects that are
 * elements of a list (records such as an output group) are compared on the fields the expected
 * value names only, so `{group, weight, priority}` matches output that also carries `ips`; every
 * other value must match exactly (deepEqual). Expected record fields the output does not have are
 * returned in `unknown` (dotted paths below `path`) instead of failing the comparison.
 */
export function matchExpected(expected: unknown, got: unknown, tolerance: number, path: string, inList = false): { ok: boolean; unknown: string[] } {
  if (Array.isArray(expected) && Array.isArray(got)) {
    if (expected.length !== got.length) return { ok: false, unknown: [] };
    const unknown: string[] = [];
    let ok = true;
    expected.forEach((x, i) => {
      const r = matchExpected(x, got[i], tolerance, `${path}[${i}]`, true);
      ok = ok && r.ok;
      unknown.push(...r.unknown);
    });
    return { ok, unknown };
  }
  if (inList && isRecord(expected) && isRecord(got)) {
    const unknown: string[] = [];
    let ok = true;
    for (const [k, x] of Object.entries(expected)) {
      if (!Object.prototype.hasOwnProperty.call(got, k)) {
        unknown.push(`${path}.${k}`);
        continue;
      }
      const r = matchExpected(x, got[k], tolerance, `${path}.${k}`, false);
      ok = ok && r.ok;
      unknown.push(...r.unknown);
    }
    return { ok, unknown };
  }
  return { ok: deepEqual(expected, got, tolerance), unknown: [] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Short JSON for messages (numbers rounded to 4 decimals). */
export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 1e4) / 1e4 : x));
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** `snake_case` → proto3 JSON `lowerCamelCase` (`consecutive_5xx` → `consecutive5xx`). */
export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Split a trailing unit suffix off a field name: `interval_ms` → [`interval`, `ms`]. */
export function splitUnit(key: string): [string, 'us' | 'ms' | 's' | undefined] {
  const m = /^(.*)_(us|ms|s)$/.exec(key);
  if (m) return [m[1] as string, m[2] as 'us' | 'ms' | 's'];
  return [key, undefined];
}

/** Multiplier from a unit to µs. */
export function unitToUs(unit: 'us' | 'ms' | 's'): number {
  return unit === 'us' ? 1 : unit === 'ms' ? 1000 : 1_000_000;
}
