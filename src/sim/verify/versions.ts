/**
 * Version-keyed expectations (`istio_ge_1_31`, `istio_le_1_30`, …): each key is checked with a
 * profile of a version it covers.
 */
import { DEFAULT_ISTIO_VERSION, istioProfile, NEWEST_MINOR, type IstioProfile } from '../istio-profile.js';

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

/**
 * Profile for an input `istio_version` such as `>=1.24`, `<=1.23`, `1.18` (the boundary version),
 * or the newest when absent. Undefined when unsupported.
 */
export function profileForInputVersion(spec: string | undefined): IstioProfile | undefined {
  if (spec === undefined) return istioProfile(DEFAULT_ISTIO_VERSION);
  const m = /^\s*(>=|<=|>|<|=|==)?\s*v?1\.(\d+)/.exec(spec);
  if (!m) return undefined;
  const v = Number(m[2]);
  const minor = m[1] === '>' ? v + 1 : m[1] === '<' ? v - 1 : v;
  return istioProfile(`1.${minor}`);
}
