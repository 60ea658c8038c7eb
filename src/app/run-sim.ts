/**
 * `meshbench run --target sim`: N trials of a scenario on the simulated mesh (seeds seed..seed+N−1),
 * merged into one result. The trials run through a `TrialPool` port: in-process here, worker
 * threads at the edge.
 */
import { mergeTrials } from '../measure/merge.js';
import { evaluateThresholds } from '../measure/thresholds.js';
import type { Mesh } from '../model/mesh.js';
import type { Result } from '../model/result.js';
import type { Scenario } from '../model/scenario.js';
import { TOOL_VERSION } from '../version.js';
import { buildResult } from './build-result.js';
import type { Clock, Progress } from './ports.js';
import { runSimTrials, type SimBatch, type SimJob } from './sim-trials.js';

/** Runs batches of trials; `firstTrial` numbers the first seed's trial. */
export interface TrialPool {
  run(job: SimJob, seeds: readonly number[], onTrialDone: () => void): Promise<SimBatch>;
}

/** Runs every trial on the calling thread. */
export const inProcessPool: TrialPool = {
  run: (job, seeds, onTrialDone) => Promise.resolve(runSimTrials(job, seeds, 0, onTrialDone)),
};

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

export async function runSimulation(req: SimRunRequest, ports: SimRunPorts): Promise<SimRunOutcome> {
  const startedAt = ports.clock.wallNow();
  const t0 = ports.clock.now();
  const seeds = Array.from({ length: req.trials }, (_, i) => req.seed + i);
  let done = 0;
  const perTrialRequests = expectedRequests(req.scenario);
  const report = () => {
    const rate = ports.clock.now() - t0 > 0 ? (done * perTrialRequests) / ((ports.clock.now() - t0) / 1000) : 0;
    ports.progress.update(
      `simulating ${req.scenario.name}: trial ${done}/${req.trials}` + (rate > 0 ? `, ${formatRate(rate)} simulated req/s` : ''),
    );
  };
  report();
  const batch = await ports.pool.run({ mesh: req.mesh, scenario: req.scenario, istio: req.istio }, seeds, () => {
    done++;
    report();
  });
  ports.progress.done();
  const merged = mergeTrials([batch.measures]);
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
    events: batch.events,
    thresholds: evaluateThresholds(req.scenario.thresholds, merged),
    toolVersion: TOOL_VERSION,
  });
  return { result, requests: batch.requests, eventsProcessed: batch.eventsProcessed, elapsedMs: ports.clock.now() - t0 };
}

function expectedRequests(s: Scenario): number {
  return s.load.kind === 'open' ? (s.load.ratePerS * s.load.durationUs) / 1e6 : 0;
}

function formatRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)}k` : r.toFixed(0);
}
