import { UsageError } from '../errors.js';
import { lookupMetric, patternsLike, readMetric } from '../model/metrics.js';
import type { Result } from '../model/result.js';
import type { Scenario } from '../model/scenario.js';
import { SWEEP_SCHEMA, type SweepCellResult, type SweepDimension, type SweepMeasure, type SweepSet } from '../model/sweep.js';
import type { Clock, Progress } from './ports.js';
import { runSimulation, type TrialPool } from './run-sim.js';
import type { SweepCell } from './sweep-plan.js';

/**
 * Resolves `--measure` paths (default: the metrics the scenario's thresholds name, else the error
 * rate and p99 latency). An unknown path is a usage error naming it, with close matches.
 */
export function resolveMeasures(paths: readonly string[] | undefined, scenario: Scenario): SweepMeasure[] {
  if (paths === undefined && scenario.thresholds.length > 0) {
    // A threshold's metric may hold only in a window (`during fault..restore`): show what the threshold observed.
    const seen = new Set<string>();
    return scenario.thresholds.flatMap((t) => {
      const path = `${t.metric.join('.')}${t.during !== undefined ? ` during ${t.during.from}..${t.during.to}` : ''}`;
      const unit = lookupMetric(t.metric)?.def.unit;
      if (seen.has(path) || unit === undefined) return [];
      seen.add(path);
      return [{ path, unit, threshold: t.expr }];
    });
  }
  const chosen = paths ?? ['errors.rate', 'latency.p99'];
  return chosen.map((p) => {
    const found = lookupMetric(p.split('.'));
    if (found === undefined) {
      const like = patternsLike(p.split('.'));
      throw new UsageError(`--measure: unknown metric '${p}'${like.length > 0 ? ` (metrics like it: ${like.slice(0, 6).join(', ')})` : ''}`);
    }
    return { path: p, unit: found.def.unit };
  });
}

export interface SweepRequest {
  cells: readonly SweepCell[];
  dimensions: readonly SweepDimension[];
  measures: readonly SweepMeasure[];
  seed: number;
  repeat: number;
  sha256: string;
  labels: Record<string, string>;
  id: string;
}

export interface SweepPorts {
  clock: Clock;
  progress: Progress;
  pool: TrialPool;
  newId(scenario: string, date: Date): string;
  /** Saves a cell's result; returns where. */
  save(result: Result): Promise<string>;
  /** Stops between cells when the user interrupts. */
  aborted(): boolean;
  /** Stops a cell's trials mid-way (between slices of events) when the user interrupts. */
  signal?: AbortSignal;
}

/** Short label key of a dimension: its last path segment (`interval`, `maxEjectionPercent`, `istio`). */
export function dimensionLabel(path: string): string {
  return path.split('.').at(-1) ?? path;
}

/**
 * Runs every cell (`repeat` trials each, over the pool, the same seeds in every cell so cells differ
 * only by their settings) and saves each as a result labelled with the sweep id and its values.
 */
export async function runSweep(req: SweepRequest, ports: SweepPorts): Promise<SweepSet> {
  const startedAt = ports.clock.wallNow();
  const cells: SweepCellResult[] = [];
  for (const [i, cell] of req.cells.entries()) {
    if (ports.aborted()) break;
    const labels = { ...req.labels, sweep: req.id, ...Object.fromEntries(req.dimensions.map((d, k) => [dimensionLabel(d.path), cell.values[k]!])) };
    const progress: Progress = { update: (s) => ports.progress.update(`cell ${i + 1}/${req.cells.length} (${cell.values.join(', ')}): ${s}`), note: (s) => ports.progress.note(s), done: () => undefined };
    const outcome = await runSimulation(
      { mesh: cell.mesh, scenario: cell.scenario, raw: cell.raw, sha256: req.sha256, istio: cell.istio, seed: req.seed, trials: req.repeat, labels },
      { clock: ports.clock, progress, pool: ports.pool, newId: ports.newId, ...(ports.signal !== undefined ? { signal: ports.signal } : {}) },
    );
    // An interrupted cell is not saved: its trials are incomplete, and a sweep compares whole cells.
    if (outcome.kind === 'stopped' || ports.aborted()) break;
    const file = await ports.save(outcome.result);
    const r = outcome.result;
    cells.push({
      values: cell.values,
      resultId: r.id,
      resultFile: file,
      measures: Object.fromEntries(
        req.measures.map((m) => [m.path, m.threshold !== undefined ? (r.thresholds.find((t) => t.expr === m.threshold)?.value ?? null) : readMetric(r.summary, m.path.split('.'))]),
      ),
      pass: r.thresholds.every((t) => t.ok),
      thresholds: r.thresholds,
    });
  }
  ports.progress.done();
  return {
    schema: SWEEP_SCHEMA,
    id: req.id,
    scenario: req.cells[0]?.scenario.name ?? '',
    startedAt: startedAt.toISOString(),
    finishedAt: ports.clock.wallNow().toISOString(),
    seed: req.seed,
    repeat: req.repeat,
    dimensions: [...req.dimensions],
    measures: [...req.measures],
    cells,
  };
}
