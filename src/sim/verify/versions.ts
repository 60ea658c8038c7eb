/**
 * Version-keyed expectations (`istio_ge_1_31`, `istio_le_1_30`, …): each key is checked with a
 * profile of a version it covers.
 */
import { NEWEST_MINOR, OLDEST_MINOR } from '../istio-profile.js';

const VERSION_KEY = /^istio_(ge|le|gt|lt|eq)_1_(\d+)$/;

/** Whether a minor version satisfies a version key. */
export function versionKeyHolds(key: string, minor: number): boolean {
  const m = VERSION_KEY.exec(key);
  if (!m) return false;
  const v = Number(m[2]);
  switch (m[1]) {
    case 'ge':
      return minor >= v;
    case 'le':
      return minor <= v;
    case 'gt':
      return minor > v;
    case 'lt':
      return minor < v;
    default:
      return minor === v;
  }
}

/** The minor a key is checked with: the boundary version it names. */
function representativeMinor(key: string): number | undefined {
  const m = VERSION_KEY.exec(key);
  if (!m) return undefined;
  const v = Number(m[2]);
  return m[1] === 'gt' ? v + 1 : m[1] === 'lt' ? v - 1 : v;
}

/** Minors to check: one per version key found anywhere, plus the newest when plain values sit next to them. */
export function versionVariants(expected: unknown): number[] {
  const minors = new Set<number>();
  let mixed = false;
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    const keys = Object.keys(v);
    const versioned = keys.filter((k) => VERSION_KEY.test(k));
    if (versioned.length > 0 && versioned.length < keys.length) mixed = true;
    for (const k of versioned) {
      const m = representativeMinor(k);
      if (m !== undefined) minors.add(m);
    }
    for (const k of keys) walk((v as Record<string, unknown>)[k]);
  };
  walk(expected);
  if (minors.size > 0 && mixed) minors.add(NEWEST_MINOR);
  return [...minors].sort((a, b) => a - b);
}

/**
 * The expectation for one minor: a version key whose value is an object merges into its parent
 * when it holds; a version key with a plain value replaces the parent object when it holds; keys
 * that do not hold disappear (a node left with nothing is dropped from its parent).
 */
export function resolveForMinor(v: unknown, minor: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => resolveForMinor(x, minor));
  const obj = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let replacement: { value: unknown } | undefined;
  let versionedOnly = true;
  for (const [k, x] of Object.entries(obj)) {
    if (!VERSION_KEY.test(k)) {
      versionedOnly = false;
      const r = resolveForMinor(x, minor);
      if (r !== undefined) out[k] = r;
      continue;
    }
    if (!versionKeyHolds(k, minor)) continue;
    const r = resolveForMinor(x, minor);
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) Object.assign(out, r);
    else replacement = { value: r };
  }
  if (replacement !== undefined && Object.keys(out).length === 0) return replacement.value;
  if (versionedOnly && Object.keys(obj).length > 0 && Object.keys(out).length === 0) return undefined;
  return out;
}

const CONSTRAINT = /^(>=|<=|>|<|==|=)?v?1\.(\d+)(?:\.\d+)?$/;
const HYPHEN_RANGE = /^v?1\.(\d+)(?:\.\d+)?\s*-\s*v?1\.(\d+)(?:\.\d+)?$/;

/**
 * The supported minors an input `istio_version` covers: one version (`1.18`, `1.18.3`), a
 * comparison (`<=1.6`, `>1.23`), several joined by commas or spaces, all of which must hold
 * (`>=1.12, <1.20`), or a hyphen range (`1.12 - 1.19`). Empty when no supported version matches;
 * undefined when the text is none of these shapes.
 */
export function inputVersionMinors(spec: string): number[] | undefined {
  const text = spec.trim();
  const hyphen = HYPHEN_RANGE.exec(text);
  const tests: Array<(m: number) => boolean> = [];
  if (hyphen) {
    const lo = Number(hyphen[1]);
    const hi = Number(hyphen[2]);
    tests.push((m) => m >= lo && m <= hi);
  } else {
    const parts = text.split(/[\s,]+/).filter((x) => x !== '');
    // Allow a space between the operator and the version (`>= 1.24`).
    const joined: string[] = [];
    for (const part of parts) {
      const last = joined[joined.length - 1];
      if (last !== undefined && /^(>=|<=|>|<|==|=)$/.test(last)) joined[joined.length - 1] = last + part;
      else joined.push(part);
    }
    if (joined.length === 0) return undefined;
    for (const c of joined) {
      const m = CONSTRAINT.exec(c);
      if (!m) return undefined;
      const v = Number(m[2]);
      const op = m[1] ?? '=';
      tests.push(op === '>=' ? (x) => x >= v : op === '<=' ? (x) => x <= v : op === '>' ? (x) => x > v : op === '<' ? (x) => x < v : (x) => x === v);
    }
  }
  const out: number[] = [];
  for (let m = OLDEST_MINOR; m <= NEWEST_MINOR; m++) if (tests.every((t) => t(m))) out.push(m);
  return out;
}

/** The minors a vector is checked with for an input range: both ends of what it covers. */
export function rangeEnds(minors: readonly number[]): number[] {
  if (minors.length === 0) return [];
  const first = minors[0] as number;
  const last = minors[minors.length - 1] as number;
  return first === last ? [first] : [first, last];
}
