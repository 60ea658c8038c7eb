import type { Problem } from '../errors.js';
import type { Mesh } from '../model/mesh.js';
import { DEFAULT_REQUEST } from '../model/resolve-scenario.js';
import { documentKind, type DocumentKind } from '../model/validate-header.js';
import { checkDestinationRuleSource, checkMeshLimits, checkMeshSource, checkScenarioSource } from './document-checks.js';
import { meshRefFor } from './scenario-mesh.js';
import { readDocumentRef, readPathRef, type SourceFile } from './document-files.js';
import { parseYamlFile, toProblem } from './yaml-positions.js';

/**
 * `meshbench validate`: checks any mix of Scenario, Mesh and DestinationRule files, detecting each
 * file's kind from its documents, and reports every problem of every file.
 */

/** Outcome for one file. */
export interface FileReport {
  /** The file as named on the command line (or `builtin:<name>`). */
  file: string;
  /** Detected kind, when the file could be read and parsed. */
  kind?: DocumentKind;
  /** metadata.name of the document(s) that validated. */
  names: string[];
  problems: Problem[];
}

/** Outcome of `meshbench validate`. */
export interface ValidateReport {
  files: FileReport[];
  /** The mesh scenarios were checked against, when a scenario needed it. */
  mesh?: FileReport;
}

const KINDS: readonly DocumentKind[] = ['Scenario', 'Mesh', 'DestinationRule'];

function detectKind(src: SourceFile): { kind?: DocumentKind; problems: Problem[] } {
  const yaml = parseYamlFile(src.text, src.display);
  if (yaml.syntax.length > 0) return { problems: yaml.syntax };
  const kinds = yaml.docs.map(documentKind);
  if (kinds.includes('DestinationRule')) return { kind: 'DestinationRule', problems: [] };
  const first = yaml.docs.findIndex((d) => d !== null && d !== undefined);
  if (first === -1) return { problems: [{ file: src.display, line: 1, col: 1, path: '', message: 'empty file', hint: 'meshbench validates Scenario, Mesh and DestinationRule documents' }] };
  const kind = kinds[first];
  if (kind !== undefined && (KINDS as readonly string[]).includes(kind)) return { kind: kind as DocumentKind, problems: [] };
  const message = kind === undefined ? 'missing "kind"' : `meshbench does not validate kind ${kind}`;
  return { problems: [toProblem(yaml, first, { path: ['kind'], message, hint: `validate reads kind ${KINDS.join(', ')}` })] };
}

/**
 * Validates files (paths relative to `cwd`, or built-in scenario names). Scenarios are checked
 * against `opts.mesh` (default: the built-in mesh), which is loaded only if a scenario needs it.
 */
export async function validateFiles(files: readonly string[], opts: { cwd: string; mesh?: string; allowLarge?: boolean }): Promise<ValidateReport> {
  // Sizes a single-trial run would be refused for (README "Limits") are problems too, unless allowed.
  const checkLimits = opts.allowLarge !== true;
  const report: ValidateReport = { files: [] };
  // Each scenario is checked against --mesh, else the mesh it names (spec.mesh), else the built-in
  // one; each mesh is read once and reported once (`report.mesh`: the first, or --mesh).
  const meshes = new Map<string, Mesh | undefined>();
  const meshDisplays = new Map<string, string>();
  const meshFor = async (ref: string): Promise<{ mesh: Mesh | undefined; display: string }> => {
    if (meshes.has(ref)) return { mesh: meshes.get(ref), display: meshDisplays.get(ref) ?? ref };
    const read = await readDocumentRef(ref, opts.cwd, 'mesh');
    if (!read.ok) {
      meshes.set(ref, undefined);
      meshDisplays.set(ref, ref);
      report.mesh ??= { file: ref, names: [], problems: [read.problem] };
      return { mesh: undefined, display: ref };
    }
    const r = checkMeshSource(read.file);
    meshes.set(ref, r.mesh);
    meshDisplays.set(ref, read.file.display);
    const problems = r.mesh !== undefined && checkLimits ? [...r.problems, ...checkMeshLimits(read.file, r.mesh)] : r.problems;
    const entry: FileReport = { file: read.file.display, kind: 'Mesh', names: r.mesh === undefined ? [] : [r.mesh.name], problems };
    if (report.mesh === undefined) report.mesh = entry;
    else if (problems.length > 0 && report.mesh.file !== entry.file) report.files.push(entry);
    return { mesh: r.mesh, display: read.file.display };
  };

  for (const ref of files) {
    const read = /\.(ya?ml|json)$/i.test(ref) ? await readPathRef(ref, opts.cwd) : await readDocumentRef(ref, opts.cwd, 'scenario');
    if (!read.ok) {
      report.files.push({ file: ref, names: [], problems: [read.problem] });
      continue;
    }
    const src = read.file;
    const { kind, problems } = detectKind(src);
    const entry: FileReport = { file: src.display, names: [], problems };
    report.files.push(entry);
    if (kind === undefined) continue;
    entry.kind = kind;
    if (kind === 'Mesh') {
      const r = checkMeshSource(src);
      entry.problems = r.mesh !== undefined && checkLimits ? [...r.problems, ...checkMeshLimits(src, r.mesh)] : r.problems;
      if (r.mesh !== undefined) entry.names = [r.mesh.name];
    } else if (kind === 'DestinationRule') {
      const r = checkDestinationRuleSource(src, DEFAULT_REQUEST.namespace);
      entry.problems = r.problems;
      entry.names = r.problems.length === 0 ? r.rules.map((rule) => rule.name) : [];
    } else {
      const { mesh: m, display } = await meshFor(await meshRefFor(src.absPath, opts.mesh, opts.cwd));
      if (m === undefined) {
        entry.problems = [{ file: src.display, path: '', message: `not checked: the mesh ${display} has problems`, hint: 'fix the mesh first (its problems are listed above)' }];
        continue;
      }
      const r = await checkScenarioSource(src, m, opts.cwd, checkLimits ? { trials: 1, meshDisplay: display } : undefined);
      entry.problems = r.problems;
      if (r.scenario !== undefined) entry.names = [r.scenario.name];
    }
  }
  // An explicit --mesh is validated even when no scenario needed it.
  if (opts.mesh !== undefined) await meshFor(opts.mesh);
  return report;
}
