import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeOutcomes, validateVectors, verifyModel } from '../../../src/app/verify-model.js';
import { InvalidInputError } from '../../../src/errors.js';
import { runVector } from '../../../src/sim/verify/run.js';
import { resolveForMinor, versionVariants } from '../../../src/sim/verify/versions.js';

const bundled = JSON.parse(readFileSync('data/mesh-vectors.json', 'utf8')) as Array<Record<string, unknown>>;
const variants = JSON.parse(readFileSync('test/fixtures/vectors/variants.json', 'utf8')) as Array<Record<string, unknown>>;

describe('verify-model vectors', () => {
  it('every bundled vector passes', () => {
    const outcomes = verifyModel(bundled);
    const notPassing = outcomes.filter((o) => o.status !== 'PASS').map((o) => `${o.id}: ${o.status} ${o.reason ?? ''} ${JSON.stringify(o.failures)}`);
    expect(notPassing).toEqual([]);
    expect(summarizeOutcomes(outcomes)).toEqual({ total: bundled.length, passed: bundled.length, failed: 0, skipped: 0 });
  });

  it('hand-computed variants of every shape pass', () => {
    const outcomes = verifyModel(variants);
    expect(outcomes.filter((o) => o.status !== 'PASS').map((o) => `${o.id}: ${o.reason ?? ''} ${JSON.stringify(o.failures)}`)).toEqual([]);
    expect(new Set(variants.map((v) => v['kind'])).size).toBe(14);
  });

  it('a perturbed expected value fails, for every bundled vector', () => {
    const caught: string[] = [];
    for (const v of bundled) {
      const copy = structuredClone(v) as { expected: Record<string, unknown> };
      if (!perturb(copy.expected)) continue;
      const o = runVector(copy, 0);
      if (o.status !== 'FAIL') caught.push(`${String(v['id'])} ${o.status}`);
    }
    expect(caught).toEqual([]);
  });

  it('reports expected vs got on failure', () => {
    const v = structuredClone(variants[0]!) as { expected: { healthy_priority_load_pct: number[] } };
    v.expected.healthy_priority_load_pct = [70, 30];
    const o = runVector(v, 0);
    expect(o.status).toBe('FAIL');
    expect(o.failures[0]).toMatchObject({ path: 'healthy_priority_load_pct', expected: '[70,30]', got: '[80,20]' });
  });

  it('skips unknown kinds, unknown fields and shapes it cannot read, with a reason', () => {
    expect(runVector({ id: 'x', kind: 'teleport', input: {}, expected: {} }, 0)).toMatchObject({ status: 'SKIP', reason: 'unknown kind "teleport"' });
    const extraInput = { ...variants[0]!, input: { ...(variants[0]!['input'] as object), weighted_priority_health: true } };
    expect(runVector(extraInput, 0)).toMatchObject({ status: 'SKIP', reason: 'input.weighted_priority_health not interpreted' });
    const extraExpected = { ...variants[0]!, expected: { ...(variants[0]!['expected'] as object), p99_latency_ms: 3 } };
    expect(runVector(extraExpected, 0).status).toBe('SKIP');
    const badEvent = { id: 'e', kind: 'outlier_ejection', input: { hosts: 1, events: ['t=0 eject', 'wait a while'] }, expected: { ejection_durations_s: [] } };
    expect(runVector(badEvent, 0)).toMatchObject({ status: 'SKIP' });
    expect(runVector(badEvent, 0).reason).toContain('not understood');
    expect(runVector({ id: 'n', kind: 'priority_load', input: { levels: [] }, expected: {} }, 0)).toMatchObject({ status: 'SKIP', reason: 'nothing to compare' });
  });

  it('checks version-keyed expectations with each version', () => {
    const v = variants.find((x) => x['id'] === 'V-FP-01')!;
    const wrong = structuredClone(v) as { expected: { istio_le_1_30: { priorities: number[] } } };
    wrong.expected.istio_le_1_30.priorities = [0, 1, 2, 3];
    const o = runVector(wrong, 0);
    expect(o.status).toBe('FAIL');
    expect(o.failures.map((f) => f.path)).toEqual(['priorities [istio 1.30]']);
  });

  it('resolves version keys', () => {
    const e = { priorities: { istio_ge_1_31: [1], istio_le_1_30: [2] }, other: 3 };
    expect(versionVariants(e)).toEqual([30, 31]);
    expect(resolveForMinor(e, 30)).toEqual({ priorities: [2], other: 3 });
    expect(resolveForMinor({ istio_le_1_6: { a: 1 }, b: 2 }, 24)).toEqual({ b: 2 });
    expect(versionVariants({ istio_le_1_6: { a: 1 }, b: 2 })).toEqual([6, 31]);
  });

  it('refuses a file that is not a vector list (exit 3)', () => {
    expect(() => validateVectors({ vectors: [] }, 'v.json')).toThrow(InvalidInputError);
    try {
      validateVectors([{ id: 'a' }, 'x'], 'v.json');
      expect.unreachable();
    } catch (err) {
      expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual(['[0].kind', '[0].input', '[0].expected', '[1]']);
    }
  });
});

/** Change the first number or boolean that is not a doc-only or tolerance value. */
function perturb(o: Record<string, unknown>): boolean {
  for (const [k, x] of Object.entries(o)) {
    if (k.startsWith('doc_') || k.endsWith('_doc') || k === 'tolerance_requests') continue;
    if (typeof x === 'number') {
      o[k] = x + 7;
      return true;
    }
    if (typeof x === 'boolean') {
      o[k] = !x;
      return true;
    }
    if (x !== null && typeof x === 'object' && perturb(x as Record<string, unknown>)) return true;
  }
  return false;
}
