import type { MergedMeasures } from '../measure/types.js';
import { RESULT_SCHEMA, type Result, type ResultTarget } from '../model/result.js';
import type { RunEvent } from '../model/sample.js';
import type { ThresholdOutcome } from '../model/threshold.js';

/** Everything a result document is made of (product.md §3.3). */
export interface BuildResultInput {
  id: string;
  scenario: { name: string; description?: string; sha256: string; spec: unknown };
  target: ResultTarget;
  labels: Readonly<Record<string, string>>;
  /** ISO 8601 timestamps (the edge supplies them; the core never reads the clock). */
  startedAt: string;
  finishedAt: string;
  merged: MergedMeasures;
  events: readonly RunEvent[];
  thresholds: readonly ThresholdOutcome[];
  toolVersion: string;
}

function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/** Events in a stable order: by trial, then time, then name (arrival order never leaks in). */
function sortedEvents(events: readonly RunEvent[]): RunEvent[] {
  return events
    .map((e) => {
      const copy: RunEvent = { name: e.name, atMs: e.atMs, action: e.action };
      if (e.trial !== undefined) copy.trial = e.trial;
      return copy;
    })
    .sort((a, b) => (a.trial ?? -1) - (b.trial ?? -1) || a.atMs - b.atMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Assembles a result document. Key order is fixed and every record whose keys are data (labels,
 * versions, clusters, status codes, histograms) is sorted, so the same measures give the same
 * bytes whatever order samples, events or labels arrived in; only `id`, `startedAt` and
 * `finishedAt` differ between two runs of the same seed.
 * @example buildResult({ id, scenario, target, labels: {}, startedAt, finishedAt, merged, events: [], thresholds: [], toolVersion: '0.1.0' })
 */
export function buildResult(input: BuildResultInput): Result {
  const { name, description, sha256, spec } = input.scenario;
  // description sits after name, as in product.md §3.3
  const scenario: Result['scenario'] = description === undefined ? { name, sha256, spec } : { name, description, sha256, spec };
  return assemble(input, scenario);
}

function assemble(input: BuildResultInput, scenario: Result['scenario']): Result {
  return {
    schema: RESULT_SCHEMA,
    id: input.id,
    tool: { name: 'meshbench', version: input.toolVersion },
    scenario,
    target: input.target,
    labels: sortedRecord(input.labels),
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    trials: input.merged.trials,
    summary: input.merged.summary,
    ...(input.merged.clients !== undefined ? { clients: input.merged.clients.map((c) => ({ name: c.name, summary: c.measures.summary })) } : {}),
    histograms: sortedRecord(input.merged.histograms),
    series: input.merged.series,
    events: sortedEvents(input.events),
    thresholds: input.thresholds.map((t) => {
      const o: ThresholdOutcome = { expr: t.expr, value: t.value, ok: t.ok };
      if (t.note !== undefined) o.note = t.note;
      return o;
    }),
  };
}
