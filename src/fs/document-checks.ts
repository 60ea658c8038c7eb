import type { Problem } from '../errors.js';
import type { DestinationRule } from '../model/destination-rule.js';
import type { Mesh } from '../model/mesh.js';
import type { Scenario } from '../model/scenario.js';
import { DEFAULT_REQUEST } from '../model/resolve-scenario.js';
import type { DocumentKind } from '../model/validate-header.js';
import { validateDestinationRuleFile } from '../model/validate-destination-rule.js';
import { validateMeshDocument } from '../model/validate-mesh.js';
import { field, formatPath, stringField } from '../model/validate-problems.js';
import { scenarioReferences, validateScenarioDocument, type DestinationRuleRef } from '../model/validate-scenario.js';
import { readRelativeRef, type SourceFile } from './document-files.js';
import { estimateRun, limitProblems, meshLimitProblem, type LimitProblem } from '../model/run-limits.js';
import { parseYamlFile, sortProblems, toProblem, type YamlFile } from './yaml-positions.js';

/**
 * Source file → validated model, with every problem located (file:line:col). Checking itself is
 * pure (model/validate-*.ts); this module parses YAML, reads the files a scenario names and maps
 * field paths back to positions.
 */

/** The one document of a Mesh or Scenario file, or the problems that prevent taking it. */
export function singleDocument(yaml: YamlFile, kind: DocumentKind): { ok: true; raw: unknown; doc: number } | { ok: false; problems: Problem[] } {
  if (yaml.syntax.length > 0) return { ok: false, problems: yaml.syntax };
  const present = yaml.docs.map((d, i) => ({ d, i })).filter(({ d }) => d !== null && d !== undefined);
  const first = present[0];
  if (first === undefined) {
    return { ok: false, problems: [{ file: yaml.display, line: 1, col: 1, path: '', message: `empty file: expected a ${kind} document`, hint: `start with "apiVersion: meshbench.dev/v1alpha1" and "kind: ${kind}"` }] };
  }
  const second = present[1];
  if (second !== undefined) {
    return {
      ok: false,
      problems: [toProblem(yaml, second.i, { path: [], message: `a ${kind} file holds one document; found ${present.length}`, hint: 'put each document in its own file' })],
    };
  }
  return { ok: true, raw: first.d, doc: first.i };
}

/** Validates a Mesh source file. */
export function checkMeshSource(src: SourceFile): { mesh?: Mesh; problems: Problem[] } {
  const yaml = parseYamlFile(src.text, src.display);
  const one = singleDocument(yaml, 'Mesh');
  if (!one.ok) return { problems: one.problems };
  const r = validateMeshDocument(one.raw);
  return r.mesh !== undefined ? { mesh: r.mesh, problems: [] } : { problems: sortProblems(r.problems.map((p) => toProblem(yaml, one.doc, p))) };
}

/**
 * Validates a DestinationRule manifest (all its DestinationRule documents; other kinds ignored).
 * `applyNamespace` completes short hosts (the namespace the manifest will be applied in).
 */
export function checkDestinationRuleSource(src: SourceFile, applyNamespace: string): { rules: DestinationRule[]; problems: Problem[] } {
  const yaml = parseYamlFile(src.text, src.display);
  if (yaml.syntax.length > 0) return { rules: [], problems: yaml.syntax };
  const r = validateDestinationRuleFile(yaml.docs, src.display, applyNamespace);
  return { rules: r.rules, problems: sortProblems(r.problems.map(({ doc, problem }) => toProblem(yaml, doc, problem))) };
}

/** Loads and validates each DestinationRule file a scenario names; their own problems are kept apart. */
async function loadReferencedRules(raw: unknown, src: SourceFile, cwd: string): Promise<{ refs: Map<string, DestinationRuleRef>; problems: Problem[] }> {
  const refs = new Map<string, DestinationRuleRef>();
  const problems: Problem[] = [];
  const namespace = stringField(field(field(raw, 'spec'), 'request'), 'namespace') ?? DEFAULT_REQUEST.namespace;
  for (const ref of scenarioReferences(raw)) {
    const read = await readRelativeRef(ref, src, cwd);
    if (!read.ok) {
      const p = read.problem;
      refs.set(ref, { status: 'missing', display: p.file, message: `DestinationRule ${p.message}`, ...(p.hint !== undefined ? { hint: p.hint } : {}) });
      continue;
    }
    const checked = checkDestinationRuleSource(read.file, namespace);
    if (checked.problems.length > 0) {
      problems.push(...checked.problems);
      refs.set(ref, { status: 'invalid', display: read.file.display });
    } else {
      refs.set(ref, { status: 'ok', rules: checked.rules, display: read.file.display });
    }
  }
  return { refs, problems };
}

/** A run's size checked against the documented limits (model/run-limits.ts): how many trials, and the mesh file's name. */
export interface RunLimitCheck {
  trials: number;
  meshDisplay: string;
}

/**
 * Validates a Scenario source file against a mesh, reading the DestinationRule files it names.
 * With `limits`, a valid scenario is also estimated and refused past the run limits.
 */
export async function checkScenarioSource(
  src: SourceFile,
  mesh: Mesh,
  cwd: string,
  limits?: RunLimitCheck,
): Promise<{ scenario?: Scenario; raw?: unknown; problems: Problem[] }> {
  const yaml = parseYamlFile(src.text, src.display);
  const one = singleDocument(yaml, 'Scenario');
  if (!one.ok) return { problems: one.problems };
  const { refs, problems: refProblems } = await loadReferencedRules(one.raw, src, cwd);
  const r = validateScenarioDocument(one.raw, { mesh, source: src.display, destinationRules: refs });
  const problems = [...r.problems.map((p) => toProblem(yaml, one.doc, p)), ...refProblems];
  if (r.scenario !== undefined && problems.length === 0 && limits !== undefined) {
    const over = limitProblems(estimateRun(r.scenario, mesh, limits.trials), r.scenario, mesh);
    problems.push(...over.map((p) => locateLimitProblem(p, yaml, one.doc, limits)));
  }
  if (r.scenario !== undefined && problems.length === 0) return { scenario: r.scenario, raw: one.raw, problems: [] };
  return { raw: one.raw, problems: sortProblems(problems) };
}

/** A limit problem located in the scenario file (line:col), the mesh file, or on the command line. */
function locateLimitProblem(p: LimitProblem, yaml: YamlFile, doc: number, limits: RunLimitCheck): Problem {
  if (p.in === 'scenario') return toProblem(yaml, doc, { path: p.path, message: p.message, hint: p.hint });
  const file = p.in === 'mesh' ? limits.meshDisplay : 'command line';
  return { file, path: p.in === 'mesh' ? formatPath(p.path) : String(p.path[0]), message: p.message, hint: p.hint };
}

/** `validate` of a Mesh file: its pods alone past the memory limit (located at the largest replicas). */
export function checkMeshLimits(src: SourceFile, mesh: Mesh): Problem[] {
  const p = meshLimitProblem(mesh);
  if (p === undefined) return [];
  const yaml = parseYamlFile(src.text, src.display);
  const one = singleDocument(yaml, 'Mesh');
  return [toProblem(yaml, one.ok ? one.doc : 0, { path: p.path, message: p.message, hint: p.hint })];
}
