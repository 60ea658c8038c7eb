import { InvalidInputError } from '../errors.js';
import type { DestinationRule } from '../model/destination-rule.js';
import type { Mesh } from '../model/mesh.js';
import { destinationRuleSelects, serviceFqdn } from '../model/resolve-dr-host.js';
import type { Scenario } from '../model/scenario.js';
import { checkDestinationRuleSource, checkMeshSource, checkScenarioSource, type RunLimitCheck } from './document-checks.js';
import { readDocumentRef, readPathRef } from './document-files.js';

/**
 * The document loaders every command uses (docs/architecture.md "Documents"). Each throws
 * InvalidInputError (exit 3) listing every problem with file, line, column, field path and hint; a
 * missing file is exit 3 too, naming the absolute path.
 */

/** Reference of the built-in mesh (product.md §3.1, the seed's layout). */
export const BUILTIN_MESH = 'builtin:two-cluster';

/** A validated scenario with what results record about its file. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The parsed document as written (before defaults). */
  raw: unknown;
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  /** Absolute path of the file. */
  path: string;
}

/**
 * Loads a Mesh: `undefined` or `builtin:two-cluster` → the built-in mesh; a bare built-in name; or
 * a file path relative to `cwd`.
 * @throws InvalidInputError listing every problem (exit 3)
 */
export async function loadMesh(ref: string | undefined, cwd: string): Promise<Mesh> {
  const read = await readDocumentRef(ref ?? BUILTIN_MESH, cwd, 'mesh');
  if (!read.ok) throw new InvalidInputError([read.problem]);
  const r = checkMeshSource(read.file);
  if (r.mesh === undefined) throw new InvalidInputError(r.problems);
  return r.mesh;
}

/**
 * Loads a Scenario and validates it against `mesh`: a file path relative to `cwd`, or a built-in
 * name (`failover` → scenarios/failover.yaml in the package). DestinationRule files it names resolve
 * from the scenario's directory; their problems are reported with their own file name. With
 * `limits`, a run of it past the documented size limits is refused too (model/run-limits.ts).
 * @throws InvalidInputError listing every problem (exit 3)
 */
export async function loadScenario(ref: string, cwd: string, mesh: Mesh, limits?: RunLimitCheck): Promise<LoadedScenario> {
  const read = await readDocumentRef(ref, cwd, 'scenario');
  if (!read.ok) throw new InvalidInputError([read.problem]);
  const r = await checkScenarioSource(read.file, mesh, cwd, limits);
  if (r.scenario === undefined) throw new InvalidInputError(r.problems);
  return { scenario: r.scenario, raw: r.raw, sha256: read.file.sha256, path: read.file.absPath };
}

/**
 * Loads the DestinationRule of a manifest file (relative to `cwd`); other kinds in the file are
 * ignored. With several rules in the file, `opts.service` (and `opts.namespace`, default `sample`)
 * picks the one whose host selects that service.
 * @throws InvalidInputError when the file has problems, holds no DestinationRule, or several that match (exit 3)
 */
export async function loadDestinationRule(ref: string, cwd: string, opts: { service?: string; namespace?: string } = {}): Promise<DestinationRule> {
  const read = await readPathRef(ref, cwd);
  if (!read.ok) throw new InvalidInputError([read.problem]);
  const namespace = opts.namespace ?? 'sample';
  const r = checkDestinationRuleSource(read.file, namespace);
  if (r.problems.length > 0) throw new InvalidInputError(r.problems);
  const candidates = opts.service === undefined ? r.rules : r.rules.filter((rule) => destinationRuleSelects(rule, opts.service ?? '', namespace));
  const [only, ...rest] = candidates;
  if (only !== undefined && rest.length === 0) return only;
  const target = opts.service === undefined ? '' : ` for ${serviceFqdn(opts.service, namespace)}`;
  throw new InvalidInputError([
    {
      file: read.file.display,
      path: '',
      message: only === undefined ? `no DestinationRule${target} in the file` : `${candidates.length} DestinationRules${target} in the file (${candidates.map((c) => c.name).join(', ')})`,
      hint: `hosts in the file: ${r.rules.map((rule) => rule.host).join(', ') || '(none)'}`,
    },
  ]);
}
