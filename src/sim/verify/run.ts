/**
 * Runs test vectors (the format of data/mesh-vectors.json) through the model: one adapter per
 * `kind`, every field read through a tracker, version-keyed expectations checked per version.
 */
import { istioProfile } from '../istio-profile.js';
import { AdapterContext, type Adapter, type Check } from './context.js';
import { Fields, ShapeError } from './fields.js';
import { ADAPTERS } from './kinds/index.js';
import { profileForInputVersion, resolveForMinor, versionVariants } from './versions.js';

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
  const variants: Array<number | undefined> = versionVariants(v['expected']);
  if (variants.length === 0) variants.push(undefined);

  const checks: Check[] = [];
  const issues: string[] = [];
  let modelError: string | undefined;
  for (const minor of variants) {
    const expectedRaw = minor === undefined ? v['expected'] : resolveForMinor(v['expected'], minor);
    if (expectedRaw === undefined) continue;
    try {
      const input = new Fields(v['input'] ?? {}, 'input');
      const expected = new Fields(expectedRaw, 'expected');
      const inputVersion = input.str('istio_version');
      const profile = minor === undefined ? profileForInputVersion(inputVersion) : istioProfile(`1.${minor}`);
      if (profile === undefined) throw new ShapeError(`Istio version ${minor === undefined ? inputVersion : `1.${minor}`} is not supported`);
      const ctx = new AdapterContext(input, expected, profile, minor === undefined ? '' : `istio 1.${minor}`);
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
