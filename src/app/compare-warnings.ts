import type { Result } from '../model/result.js';
import type { LoadedResult } from './compare-groups.js';

/**
 * What makes a comparison less meaningful, named field by field: results whose scenario, load
 * (model, rate, concurrency), duration, mesh or DestinationRule differ measure different things,
 * so a "worse" may come from the setup rather than from what the user meant to compare.
 */

/** Deterministic JSON with sorted keys, for comparing nested documents. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

function describeLoadOf(r: Result): string {
  const l = r.summary.load;
  if (l.model === 'open') return `open ${l.ratePerS ?? '?'} req/s`;
  return `closed concurrency ${l.concurrency ?? '?'}`;
}

function destinationRuleOf(r: Result): unknown {
  const spec = r.scenario.spec;
  if (spec === null || typeof spec !== 'object') return undefined;
  const dr = (spec as Record<string, unknown>)['destinationRule'];
  if (dr === null || typeof dr !== 'object') return dr;
  // The rule's content matters, not the file it was read from.
  const { source: _source, ...rest } = dr as Record<string, unknown>;
  return rest;
}

function meshOf(r: Result): unknown {
  return r.target.kind === 'sim' ? r.target.mesh : undefined;
}

/** `field: A x, B y` for a field whose value differs between results; null when all agree. */
function differing(loaded: readonly LoadedResult[], name: (i: number) => string, value: (r: Result) => string): string | null {
  const values = loaded.map((l) => value(l.result));
  if (new Set(values).size <= 1) return null;
  return values.map((v, i) => `${name(i)} ${v}`).join(', ');
}

/**
 * Warnings for `compare`: scenario names, load models, rates or concurrency, durations (> 1%
 * apart), meshes (simulator runs) and DestinationRules that differ between the results.
 * @param name how to call result i in a message (its key or source)
 */
export function compareWarnings(loaded: readonly LoadedResult[], name: (i: number) => string): string[] {
  const out: string[] = [];
  const scenarios = [...new Set(loaded.map((l) => l.result.scenario.name))];
  if (scenarios.length > 1) out.push(`the results come from different scenarios (${scenarios.join(', ')}): differences may come from the scenarios, not the mesh`);
  const models = [...new Set(loaded.map((l) => l.result.summary.load.model))];
  if (models.length > 1) out.push('open-model and closed-model runs are mixed: closed-model latency and rates are not comparable with open-model ones');
  else {
    const load = differing(loaded, name, describeLoadOf);
    if (load !== null) out.push(`the loads differ (${load}): latency and errors depend on the load`);
  }
  const durations = loaded.map((l) => l.result.summary.load.durationMs);
  const lo = Math.min(...durations);
  const hi = Math.max(...durations);
  if (hi > lo * 1.01) out.push(`the durations differ (${durations.map((d, i) => `${name(i)} ${d / 1000}s`).join(', ')}): longer runs see more of a fault's tail`);
  const sims = loaded.filter((l) => l.result.target.kind === 'sim');
  if (sims.length === loaded.length && new Set(sims.map((l) => canonical(meshOf(l.result)))).size > 1) {
    out.push(`the meshes differ (${[...new Set(loaded.map((l, i) => `${name(i)} ${describeMesh(l.result)}`))].join(', ')}): compare runs on one mesh to compare Istio versions or policies`);
  }
  const rules = loaded.map((l) => canonical(destinationRuleOf(l.result)));
  if (new Set(rules).size > 1) {
    const label = (r: Result) => {
      const dr = destinationRuleOf(r);
      return dr === undefined ? 'none' : typeof dr === 'object' && dr !== null && typeof (dr as Record<string, unknown>)['name'] === 'string' ? String((dr as Record<string, unknown>)['name']) : 'set';
    };
    out.push(`the DestinationRules differ (${loaded.map((l, i) => `${name(i)} ${label(l.result)}`).join(', ')})${new Set(loaded.map((l) => label(l.result))).size === 1 ? ' in content' : ''}`);
  }
  return out;
}

function describeMesh(r: Result): string {
  const mesh = meshOf(r);
  if (mesh !== null && typeof mesh === 'object' && typeof (mesh as Record<string, unknown>)['name'] === 'string') return `"${String((mesh as Record<string, unknown>)['name'])}"`;
  return 'mesh';
}
