/**
 * What a vector adapter works with: tracked input/expected, the Istio profile of the variant being
 * checked, and a list of checks.
 */
import type { IstioProfile } from '../istio-profile.js';
import { matchExpected, show } from './compare.js';
import type { Fields } from './fields.js';

/** One comparison of a model output with an expected value. */
export interface Check {
  /** Where in `expected` (plus the Istio variant when the vector is version-keyed). */
  path: string;
  ok: boolean;
  expected: string;
  got: string;
}

export class AdapterContext {
  readonly input: Fields;
  readonly expected: Fields;
  readonly profile: IstioProfile;
  readonly checks: Check[] = [];
  /** Problems interpreting the vector that are not an exception (the vector is SKIPped if nothing failed). */
  readonly issues: string[] = [];
  private readonly label: string;

  constructor(input: Fields, expected: Fields, profile: IstioProfile, label: string) {
    this.input = input;
    this.expected = expected;
    this.profile = profile;
    this.label = label;
  }

  /**
   * Compare (matchExpected: records inside lists on the fields the expectation names); `tolerance`
   * is absolute for numbers anywhere inside the values. Expected record fields the model has no
   * value for are issues (the vector is SKIPped naming them unless something failed).
   */
  check(path: string, expected: unknown, got: unknown, tolerance = 0): boolean {
    const { ok, unknown } = matchExpected(expected, got, tolerance, `expected.${path}`);
    for (const u of unknown) this.issues.push(`${u} not interpreted`);
    this.checks.push({
      path: this.label === '' ? path : `${path} [${this.label}]`,
      ok,
      expected: show(expected) + (tolerance > 0 ? ` ±${tolerance}` : ''),
      got: show(got),
    });
    return ok;
  }

  /** Record a condition as a check with a description of both sides. */
  assert(path: string, ok: boolean, expected: string, got: string): void {
    this.checks.push({ path: this.label === '' ? path : `${path} [${this.label}]`, ok, expected, got });
  }

  issue(message: string): void {
    this.issues.push(message);
  }
}

/** Runs one vector kind. Throwing a ShapeError means "cannot interpret" (SKIP). */
export type Adapter = (ctx: AdapterContext) => void;
