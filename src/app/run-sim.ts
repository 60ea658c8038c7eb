/**
 * `meshbench run --target sim`: N trials of a scenario on the simulated mesh (seeds seed..seed+N−1),
 * merged into one result. The trials run through a `TrialPool` port: in-process here, worker
 * threads at the edge.
 */
import { mergeTrials } from '../measure/merge.js';
import { evaluateThresholds } from '../measure/thresholds.js';
import type { Mesh } from '../model/mesh.js';
import type { Result } from '../model/result.js';
import { overallLoad, type Scenario } from '../model/scenario.js';
import { TOOL_VERSION } from '../version.js';
import { buildResult } from './build-result.js';
import type { Clock, Progress } from './ports.js';
import { runSimTrialsSliced, type SimBatch, type SimJob, type TrialPosition } from './sim-trials.js';

/** What a pool reports back while it runs, and how it is told to stop. */
export interface PoolHooks {
  onTrialDone(): void;
  /** Position within a running trial (only the pool's first trial stream reports it). */
  onSlice?(at: TrialPosition): void;
  /** Aborted on an interrupt: the pool stops between slices and returns the trials that completed. */
  signal?: AbortSignal;
}

/** Trials run to the end, or stopped by the signal with the completed ones kept. */
export type PoolOutcome =
  | { kind: 'done'; batch: SimBatch }
  | { kind: 'stopped'; batch: SimBatch | undefined; completed: number; at: TrialPosition; measuredToUs?: number };

/** Runs batches of trials. */
export interface TrialPool {
  run(job: SimJob, seeds: readonly number[], hooks: PoolHooks): Promise<PoolOutcome>;
}

/**
 * Runs every trial on the calling thread, in slices of events. `pause` is awaited between slices
 * (the edge passes a macrotask yield so a signal handler can run and abort); without it a run
 * cannot be interrupted from the same thread.
 */
export function inProcessPool(pause?: () => Promise<void>): TrialPool {
  return {
    async run(job, seeds, hooks) {
      const out = await runSimTrialsSliced(
        job,
        seeds,
        0,
        {
          stopRequested: () => hooks.signal?.aborted === true,
          ...(pause !== undefined ? { pause } : {}),
          ...(hooks.onSlice !== undefined ? { onSlice: hooks.onSlice } : {}),
        },
        hooks.onTrialDone,
      );
      return 'done' in out ? { kind: 'done', batch: out.done } : { kind: 'stopped', ...out.stopped };
    },
  };
}

export interface SimRunRequest {
  mesh: Mesh;
  scenario: Scenario;
  /** The scenario file as written and its hash (stored in the result). */
  raw: unknown;
  sha256: string;
  istio: string;
  seed: number;
  trials: number;
  labels: Record<string, string>;
}

export interface SimRunPorts {
  clock: Clock;
  progress: Progress;
  pool: TrialPool;
  /** Result id for a scenario started at `date` (random suffix from the edge). */
  newId(scenario: string, date: Date): string;
}

export interface SimRunOutcome {
  result: Result;
  requests: number;
  eventsProcessed: number;
  /** Wall time spent simulating (ms, from the injected clock). */
  elapsedMs: number;
}

/**
 * An interrupted run: the result of the trials that completed, or of the measured span of a
 * one-trial run (nothing measured → undefined), and where it stopped.
 */
export interface SimRunStopped {
  result: Result | undefined;
  /** The one trial was kept up to here (µs of virtual time). */
  measuredToUs?: number;
  requests: number;
  elapsedMs: number;
  completed: number;
  at: TrialPosition;
}

/**
 * Runs the trials and builds the result. With `signal` aborted mid-way it returns `stopped`: the
 * completed trials as a result marked `interrupted` (a trial cut mid-way is dropped), or none.
 */
export async function runSimulation(
  req: SimRunRequest,
  ports: SimRunPorts & { signal?: AbortSignal },
): Promise<({ kind: 'done' } & SimRunOutcome) | ({ kind: 'stopped' } & SimRunStopped)> {
  const startedAt = ports.clock.wallNow();
  const t0 = ports.clock.now();
  const seeds = Array.from({ length: req.trials }, (_, i) => req.seed + i);
  let done = 0;
  let within = '';
  const perTrialRequests = expectedRequests(req.scenario);
  const report = () => {
    const rate = ports.clock.now() - t0 > 0 ? (done * perTrialRequests) / ((ports.clock.now() - t0) / 1000) : 0;
    ports.progress.update(
      `simulating ${req.scenario.name}: trial ${done}/${req.trials}${within}` + (rate > 0 ? `, ${formatRate(rate)} simulated req/s` : ''),
    );
  };
  report();
  const out = await ports.pool.run({ mesh: req.mesh, scenario: req.scenario, istio: req.istio }, seeds, {
    onTrialDone: () => {
      done++;
      within = '';
      report();
    },
    onSlice: (at) => {
      within = `, ${formatVirtual(at.nowUs)} of ${formatVirtual(at.durationUs)} virtual (${Math.min(100, Math.floor((100 * at.nowUs) / Math.max(1, at.durationUs)))}%)`;
      report();
    },
    ...(ports.signal !== undefined ? { signal: ports.signal } : {}),
  });
  ports.progress.done();
  const batch = out.batch;
  const build = (b: SimBatch, interrupted?: Result['interrupted']): Result => {
    const merged = mergeTrials([b.measures]);
    const finishedAt = ports.clock.wallNow();
    const result = buildResult({
      id: ports.newId(req.scenario.name, startedAt),
      scenario: {
        name: req.scenario.name,
        ...(req.scenario.description !== undefined ? { description: req.scenario.description } : {}),
        sha256: req.sha256,
        spec: req.scenario,
      },
      target: { kind: 'sim', istio: req.istio, seed: req.seed, mesh: req.mesh },
      labels: { istio: req.istio, ...req.labels },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      merged,
      events: b.events,
      thresholds: evaluateThresholds(req.scenario.thresholds, merged),
      toolVersion: TOOL_VERSION,
    });
    if (Object.keys(b.responseFlags).length > 0) result.summary.responseFlags = b.responseFlags;
    return interrupted === undefined ? result : { ...result, interrupted };
  };
  const elapsedMs = ports.clock.now() - t0;
  if (out.kind === 'done') {
    return { kind: 'done', result: build(out.batch), requests: out.batch.requests, eventsProcessed: out.batch.eventsProcessed, elapsedMs };
  }
  const interrupted: NonNullable<Result['interrupted']> = {
    trialsRequested: req.trials,
    trialsKept: out.completed,
    stoppedAtTrial: out.at.index,
    stoppedAtVirtualMs: Math.floor(out.at.nowUs / 1000),
    ...(out.measuredToUs !== undefined ? { measuredToMs: out.measuredToUs / 1000 } : {}),
  };
  return {
    kind: 'stopped',
    result: batch === undefined ? undefined : build(batch, interrupted),
    requests: batch?.requests ?? 0,
    elapsedMs,
    completed: out.completed,
    at: out.at,
    ...(out.measuredToUs !== undefined ? { measuredToUs: out.measuredToUs } : {}),
  };
}

/** Virtual time for progress lines: `12.3 s`, `4 min 10 s`, `2 h 5 min`. */
export function formatVirtual(us: number): string {
  const s = us / 1e6;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function expectedRequests(s: Scenario): number {
  const load = overallLoad(s);
  return load.kind === 'open' ? (load.ratePerS * load.durationUs) / 1e6 : 0;
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)}k` : r.toFixed(0);
}
