import { InvalidInputError, UsageError, type Problem } from '../errors.js';
import type { Mesh } from '../model/mesh.js';
import type { Scenario } from '../model/scenario.js';
import type { SweepDimension } from '../model/sweep.js';
import { validateDestinationRuleFile } from '../model/validate-destination-rule.js';
import { validateMeshDocument } from '../model/validate-mesh.js';
import { formatPath, type DocProblem, type PathSeg } from '../model/validate-problems.js';
import { validateScenarioDocument, type DestinationRuleRef } from '../model/validate-scenario.js';
import { istioProfile, supportedIstioVersions } from '../sim/istio-profile.js';

/**
 * `meshbench sweep`: the grid of what-if cells. Each `--set PATH=V1,V2,…` is one dimension; a cell
 * takes one value of each. Every cell's documents are rebuilt from the parsed files with its
 * values set and checked by the same validators `run` uses, so a bad path or value is exit 3
 * naming the `--set` path before anything runs.
 *
 * Paths: `dr.<field…>` (the scenario's DestinationRule, under `spec`), `load.<field…>` (the
 * scenario's `spec.load`), `mesh.<field…>` (the mesh's `spec`; numbers index lists:
 * `mesh.clusters.0.workloads.0.replicas`), and `istio` (the behaviour profile).
 */

/** The parsed documents a sweep rebuilds for each cell (read by the edge). */
export interface SweepSources {
  scenario: { raw: unknown; display: string };
  mesh: { raw: unknown; display: string };
  /** Each DestinationRule reference as written in the scenario → its file's documents. */
  destinationRules: ReadonlyMap<string, { docs: readonly unknown[]; display: string }>;
  /** Namespace the rules apply in (completes short hosts). */
  namespace: string;
  istio: string;
}

/** A cell ready to run. */
export interface SweepCell {
  /** The value of each dimension, in dimension order. */
  values: string[];
  mesh: Mesh;
  scenario: Scenario;
  /** The scenario document with this cell's values (stored in the result). */
  raw: unknown;
  istio: string;
}

const PREFIXES = ['dr', 'load', 'mesh', 'istio'] as const;

/** Parses one `--set PATH=V1,V2,…` (usage error, exit 2, when it is not of that form). */
export function parseSetFlag(expr: string): SweepDimension {
  const eq = expr.indexOf('=');
  const path = eq < 0 ? '' : expr.slice(0, eq).trim();
  const values = eq < 0 ? [] : expr.slice(eq + 1).split(',').map((v) => v.trim());
  if (path === '' || values.length === 0 || values.some((v) => v === '')) {
    throw new UsageError(`--set expects PATH=V1,V2,… (e.g. dr.trafficPolicy.outlierDetection.interval=1s,5s), got '${expr}'`);
  }
  return { path, values: [...new Set(values)] };
}

/** A value as YAML would read it: numbers and booleans typed, everything else a string (`1s`, `1.22`). */
export function typedValue(v: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  if (v === 'null') return null;
  return v;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Sets `value` at `path` inside `doc`, creating objects on the way; false when a step is not an object or list. */
function setAt(doc: unknown, path: readonly PathSeg[], value: unknown): boolean {
  let cur = doc;
  for (let i = 0; i < path.length; i++) {
    if (typeof cur !== 'object' || cur === null) return false;
    const seg = path[i]!;
    const obj = cur as Record<string | number, unknown>;
    if (i === path.length - 1) {
      obj[seg] = value;
      return true;
    }
    if (obj[seg] === undefined) obj[seg] = {};
    cur = obj[seg];
  }
  return false;
}

/**
 * A load is open (`rate`) or closed (`concurrency`, `thinkTime`): setting a field of the other model
 * switches the cell to that model, as a user sweeping `load.rate` over a 1-VU scenario means.
 */
function switchLoadModel(scenarioRaw: unknown, at: readonly PathSeg[]): void {
  const field = at[2];
  const load = ((scenarioRaw as { spec?: { load?: Record<string, unknown> } } | null)?.spec?.load);
  if (load === undefined || typeof load !== 'object' || load === null) return;
  if (field === 'rate') {
    delete load.concurrency;
    delete load.thinkTime;
  } else if (field === 'concurrency' || field === 'thinkTime') {
    delete load.rate;
  }
}

function segments(rest: string): PathSeg[] {
  return rest.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Where a dr/load/mesh dimension lands in its document. */
function docPathOf(d: SweepDimension): PathSeg[] {
  const [prefix, ...rest] = d.path.split('.');
  const segs = segments(rest.join('.'));
  return prefix === 'load' ? ['spec', 'load', ...segs] : ['spec', ...segs];
}

/** Every cell of the grid (first dimension varies slowest). */
export function gridValues(dims: readonly SweepDimension[]): string[][] {
  let cells: string[][] = [[]];
  for (const d of dims) cells = cells.flatMap((c) => d.values.map((v) => [...c, v]));
  return cells;
}

/**
 * Builds and validates every cell. Problems of all cells are collected (each named by its `--set`
 * path where the problem lies under one, with the cell's values) and thrown together.
 * @throws UsageError for a path outside dr/load/mesh/istio or a repeated path (exit 2)
 * @throws InvalidInputError listing every problem (exit 3)
 */
export function planSweep(src: SweepSources, dims: readonly SweepDimension[]): SweepCell[] {
  for (const d of dims) {
    const prefix = d.path.split('.')[0];
    if (!(PREFIXES as readonly string[]).includes(prefix ?? '') || (prefix === 'istio') !== (d.path === 'istio') || d.path.endsWith('.')) {
      throw new InvalidInputError([{ file: '--set', path: d.path, message: 'not a sweep path', hint: 'use dr.<field>, load.<field>, mesh.<field> or istio (e.g. dr.trafficPolicy.outlierDetection.interval)' }]);
    }
  }
  const repeated = dims.find((d, i) => dims.findIndex((e) => e.path === d.path) !== i);
  if (repeated !== undefined) throw new UsageError(`--set ${repeated.path} is given twice; list all its values in one --set`);
  if (dims.some((d) => d.path.startsWith('dr.')) && src.destinationRules.size === 0) {
    throw new InvalidInputError([{ file: src.scenario.display, path: dims.find((d) => d.path.startsWith('dr.'))!.path, message: 'the scenario names no DestinationRule to change', hint: 'set spec.destinationRule in the scenario' }]);
  }
  const problems = new Map<string, Problem>();
  const add = (file: string, where: string, p: DocProblem, cellText: string) => {
    const key = `${where}\u0000${p.message}`;
    if (!problems.has(key)) problems.set(key, { file, path: where, message: `${p.message} (${cellText})`, ...(p.hint !== undefined ? { hint: p.hint } : {}) });
  };
  const cells: SweepCell[] = [];
  for (const values of gridValues(dims)) {
    const cellText = dims.map((d, i) => `${d.path}=${values[i]}`).join(', ');
    // A problem under a --set path is named by that path, so the user sees which flag to fix.
    const setPathOf = (kind: 'dr' | 'load' | 'mesh', docPath: readonly PathSeg[]): string => {
      const text = formatPath(docPath);
      const hit = dims.find((d) => d.path.startsWith(`${kind}.`) && text.startsWith(formatPath(docPathOf(d))));
      return hit?.path ?? text;
    };
    let istio = src.istio;
    const meshRaw = clone(src.mesh.raw);
    const scenarioRaw = clone(src.scenario.raw);
    const drDocs = new Map([...src.destinationRules].map(([ref, f]) => [ref, { display: f.display, docs: clone(f.docs) }]));
    dims.forEach((d, i) => {
      const value = values[i]!;
      if (d.path === 'istio') {
        const profile = istioProfile(value);
        if (profile === undefined) add('--set', 'istio', { path: [], message: `no behaviour profile for Istio ${value}`, hint: `supported: ${supportedIstioVersions().join(', ')}` }, cellText);
        else istio = profile.version;
        return;
      }
      const prefix = d.path.split('.')[0];
      const at = docPathOf(d);
      if (prefix === 'mesh') {
        if (!setAt(meshRaw, at, typedValue(value))) add(src.mesh.display, d.path, { path: [], message: 'no such place in the mesh' }, cellText);
      } else if (prefix === 'load') {
        switchLoadModel(scenarioRaw, at);
        if (!setAt(scenarioRaw, at, typedValue(value))) add(src.scenario.display, d.path, { path: [], message: 'no such place in the scenario load' }, cellText);
      } else {
        for (const f of drDocs.values()) {
          for (const doc of f.docs) {
            if ((doc as { kind?: unknown } | null)?.kind === 'DestinationRule' && !setAt(doc, at, typedValue(value))) {
              add(f.display, d.path, { path: [], message: 'no such place in the DestinationRule' }, cellText);
            }
          }
        }
      }
    });
    const meshChecked = validateMeshDocument(meshRaw);
    for (const p of meshChecked.problems) add(src.mesh.display, setPathOf('mesh', p.path), p, cellText);
    const refs = new Map<string, DestinationRuleRef>();
    for (const [ref, f] of drDocs) {
      const checked = validateDestinationRuleFile(f.docs, f.display, src.namespace);
      for (const { problem } of checked.problems) add(f.display, setPathOf('dr', problem.path), problem, cellText);
      refs.set(ref, checked.problems.length > 0 ? { status: 'invalid', display: f.display } : { status: 'ok', rules: checked.rules, display: f.display });
    }
    if (meshChecked.mesh === undefined) continue;
    const sc = validateScenarioDocument(scenarioRaw, { mesh: meshChecked.mesh, source: src.scenario.display, destinationRules: refs });
    // A rule file with problems is already reported above; the scenario's "its rule file has problems" would repeat it.
    const rulesOk = [...refs.values()].every((r) => r.status === 'ok');
    if (rulesOk) for (const p of sc.problems) add(src.scenario.display, setPathOf('load', p.path), p, cellText);
    if (sc.scenario !== undefined) cells.push({ values, mesh: meshChecked.mesh, scenario: sc.scenario, raw: scenarioRaw, istio });
  }
  if (problems.size > 0) throw new InvalidInputError([...problems.values()], { hint: 'each --set value must give a valid document; `meshbench validate` checks a file' });
  return cells;
}
