import { isRecord, type DocProblem } from './validate-problems.js';

/** apiVersion of meshbench's own documents (Mesh, Scenario). */
export const MESHBENCH_API_VERSION = 'meshbench.dev/v1alpha1';

/** DestinationRule API versions Istio serves (v1 since 1.22; v1beta1 and v1alpha3 still served). */
export const DESTINATION_RULE_API_VERSIONS: readonly string[] = [
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
];

/** The document kinds meshbench reads. */
export type DocumentKind = 'Mesh' | 'Scenario' | 'DestinationRule';

/** `kind` of a parsed document when it is a string. */
export function documentKind(raw: unknown): string | undefined {
  return isRecord(raw) && typeof raw['kind'] === 'string' ? raw['kind'] : undefined;
}

function apiVersionsOf(kind: DocumentKind): readonly string[] {
  return kind === 'DestinationRule' ? DESTINATION_RULE_API_VERSIONS : [MESHBENCH_API_VERSION];
}

function wrongKindHint(expected: DocumentKind, found: string): string {
  if (expected === 'Scenario' && found === 'Mesh') return 'this is a mesh topology: pass it with --mesh <file>, and a Scenario as the argument';
  if (expected === 'Mesh' && found === 'Scenario') return 'this is a scenario: pass it as an argument, and a Mesh file with --mesh';
  if (expected === 'DestinationRule') return 'spec.destinationRule and applyDestinationRule name a networking.istio.io DestinationRule manifest';
  return `write "kind: ${expected}"`;
}

/**
 * Checks `apiVersion` and `kind` of a document expected to be of `expected` kind. Any problem here
 * means the rest of the document is not checked (it would only produce noise).
 */
export function checkHeader(raw: unknown, expected: DocumentKind): DocProblem[] {
  const versions = apiVersionsOf(expected);
  if (!isRecord(raw)) {
    const got = raw === null || raw === undefined ? 'an empty document' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`;
    return [{ path: [], message: `expected a ${expected} document (a mapping with apiVersion and kind), got ${got}` }];
  }
  const problems: DocProblem[] = [];
  const kind = raw['kind'];
  if (kind === undefined) {
    problems.push({ path: ['kind'], message: 'missing "kind"', hint: `add "kind: ${expected}"` });
  } else if (kind !== expected) {
    const found = typeof kind === 'string' ? kind : JSON.stringify(kind);
    problems.push({ path: ['kind'], message: `expected kind ${expected}, found ${found}`, hint: wrongKindHint(expected, found) });
    return problems; // apiVersion of a foreign kind says nothing useful
  }
  const apiVersion = raw['apiVersion'];
  if (apiVersion === undefined) {
    problems.push({ path: ['apiVersion'], message: 'missing "apiVersion"', hint: `add "apiVersion: ${versions[0] ?? ''}"` });
  } else if (typeof apiVersion !== 'string' || !versions.includes(apiVersion)) {
    problems.push({
      path: ['apiVersion'],
      message: `apiVersion ${JSON.stringify(apiVersion)} is not supported for ${expected}`,
      hint: `use ${versions.join(' or ')}`,
    });
  }
  return problems;
}
