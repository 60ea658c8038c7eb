/**
 * Runs test vectors (the format of data/mesh-vectors.json) through the model: one adapter per
 * `kind`, every field read through a tracker, version-keyed expectations checked per version.
 */
import { DEFAULT_ISTIO_VERSION, istioProfile, NEWEST_MINOR, OLDEST_MINOR } from '../istio-profile.js';
import { AdapterContext, type Adapter, type Check } from './context.js';
import { Fields, ShapeError } from './fields.js';
import { ADAPTERS } from './kinds/index.js';
import { inputVersionMinors, rangeEnds, resolveForMinor, versionVariants } from './versions.js';

export type VectorStatus = 'PASS' | 'FAIL' | 'SKIP';

/** The verdict on one vector. */
export interface VectorOutcome {
  id: string;
  kind: string;
  status: VectorStatus;
  /** SKIP: why the vector could not be interpreted. FAIL: a model error, when one was thrown. */
  reason?: string;
  /** The failing checks (FAIL only). */
  failures: Check[];
  /** Number of comparisons made. */
  checks: number;
}

/** Kinds the runner knows. */
export function knownVectorKinds(): string[] {
  return Object.keys(ADAPTERS).sort();
}

/** Run one vector (any value: a malformed entry is a SKIP with the reason). */
export function runVector(vector: unknown, index: number): VectorOutcome {
  const fallbackId = `#${index + 1}`;
  if (vector === null || typeof vector !== 'object' || Array.isArray(vector)) {
    return skip(fallbackId, '?', 'entry is not an object');
  }
  const v = vector as Record<string, unknown>;
  const id = typeof v['id'] === 'string' ? v['id'] : fallbackId;
  const kind = typeof v['kind'] === 'string' ? v['kind'] : '?';
  const adapter: Adapter | undefined = ADAPTERS[kind];
  if (adapter === undefined) return skip(id, kind, `unknown kind "${kind}"`);
  // An input `istio_version` range limits the versions checked and, for a plain expectation,
  // names them: both ends of the range.
  const rawInput = v['input'];
  const spec = rawInput !== null && typeof rawInput === 'object' ? (rawInput as Record<string, unknown>)['istio_version'] : undefined;
  let range: number[] | undefined;
  if (spec !== undefined && spec !== null) {
    range = typeof spec === 'string' ? inputVersionMinors(spec) : undefined;
    if (range === undefined) return skip(id, kind, `input.istio_version ${JSON.stringify(spec)} is not a version or range (e.g. "1.18", "<=1.6", ">=1.12, <1.20")`);
    if (range.length === 0) return skip(id, kind, `input.istio_version "${String(spec)}" covers no supported version (1.${OLDEST_MINOR}…1.${NEWEST_MINOR})`);
  }
  const keyed = versionVariants(v['expected']);
  const inRange = range === undefined ? keyed : keyed.filter((m) => range.includes(m));
  const variants: Array<number | undefined> = keyed.length > 0 ? inRange : range !== undefined ? rangeEnds(range) : [undefined];
  if (variants.length === 0) return skip(id, kind, `no version-keyed expectation falls in input.istio_version "${String(spec)}"`);

  const checks: Check[] = [];
  const issues: string[] = [];
  let modelError: string | undefined;
  for (const minor of variants) {
    const expectedRaw = minor === undefined ? v['expected'] : resolveForMinor(v['expected'], minor);
    if (expectedRaw === undefined) continue;
    try {
      const input = new Fields(v['input'] ?? {}, 'input');
      const expected = new Fields(expectedRaw, 'expected');
      input.consume('istio_version');
      const profile = istioProfile(minor === undefined ? DEFAULT_ISTIO_VERSION : `1.${minor}`);
      if (profile === undefined) throw new ShapeError(`Istio version 1.${String(minor)} is not supported`);
      const ctx = new AdapterContext(input, expected, profile, minor === undefined || (keyed.length === 0 && variants.length === 1) ? '' : `istio 1.${minor}`);
      adapter(ctx);
      checks.push(...ctx.checks);
      issues.push(...ctx.issues);
      issues.push(...input.unread().map((p) => `${p} not interpreted`));
      issues.push(...expected.unread().map((p) => `${p} not interpreted`));
    } catch (err) {
      if (err instanceof ShapeError) issues.push(err.message);
      else modelError = `model error: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const failures = checks.filter((c) => !c.ok);
  if (modelError !== undefined) return { id, kind, status: 'FAIL', reason: modelError, failures, checks: checks.length };
  if (failures.length > 0) return { id, kind, status: 'FAIL', failures, checks: checks.length };
  if (issues.length > 0) return { ...skip(id, kind, [...new Set(issues)].join('; ')), checks: checks.length };
  if (checks.length === 0) return skip(id, kind, 'nothing to compare');
  return { id, kind, status: 'PASS', failures: [], checks: checks.length };
}

/** Run every vector, in order. */
export function runVectors(vectors: readonly unknown[]): VectorOutcome[] {
  return vectors.map((v, i) => runVector(v, i));
}

function skip(id: string, kind: string, reason: string): VectorOutcome {
  return { id, kind, status: 'SKIP', reason, failures: [], checks: 0 };
}
