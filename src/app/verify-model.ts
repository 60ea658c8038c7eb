/**
 * `verify-model`: run test vectors through the Envoy/istiod model.
 */
import { InvalidInputError, type Problem } from '../errors.js';
import { runVectors, type VectorOutcome } from '../sim/verify/run.js';

export type { VectorOutcome } from '../sim/verify/run.js';

/** Counts over a run. */
export interface VerifySummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Check that `vectors` has the vector file format: a list of objects, each with string `id` and
 * `kind`, an `input` object and an `expected` value (unknown kinds are fine: they are SKIPped).
 * @throws InvalidInputError (exit 3) listing every malformed entry.
 */
export function validateVectors(vectors: unknown, source: string): unknown[] {
  if (!Array.isArray(vectors)) {
    throw new InvalidInputError([
      { file: source, path: '', message: 'a vector file is a JSON list of vectors', hint: 'see data/mesh-vectors.json for the format' },
    ]);
  }
  const problems: Problem[] = [];
  vectors.forEach((v, i) => {
    const at = (field: string) => `[${i}]${field === '' ? '' : `.${field}`}`;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problems.push({ file: source, path: at(''), message: 'a vector is an object with id, kind, input and expected' });
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['id'] !== 'string' || o['id'] === '') problems.push({ file: source, path: at('id'), message: 'missing or not a string' });
    if (typeof o['kind'] !== 'string' || o['kind'] === '') problems.push({ file: source, path: at('kind'), message: 'missing or not a string' });
    const input = o['input'];
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      problems.push({ file: source, path: at('input'), message: 'missing or not an object' });
    }
    if (!('expected' in o)) problems.push({ file: source, path: at('expected'), message: 'missing' });
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return vectors;
}

/**
 * Run every vector of a parsed vector file through the model, in file order.
 * @throws InvalidInputError (exit 3) when the value is not a vector list.
 */
export function verifyModel(vectors: unknown, source = 'vectors'): VectorOutcome[] {
  return runVectors(validateVectors(vectors, source));
}

/** Pass/fail/skip counts. */
export function summarizeOutcomes(outcomes: readonly VectorOutcome[]): VerifySummary {
  return {
    total: outcomes.length,
    passed: outcomes.filter((o) => o.status === 'PASS').length,
    failed: outcomes.filter((o) => o.status === 'FAIL').length,
    skipped: outcomes.filter((o) => o.status === 'SKIP').length,
  };
}
