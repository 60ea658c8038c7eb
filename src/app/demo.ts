/**
 * `meshbench demo`: the seed tutorial's experiments on the built-in simulated mesh, plus one
 * comparison that shows why Istio versions matter. Everything runs in-process; the results are
 * returned (the CLI saves them, then prints the story).
 */
import type { Mesh } from '../model/mesh.js';
import type { Result } from '../model/result.js';
import type { Scenario } from '../model/scenario.js';
import type { DemoView } from '../render/demo.js';
import { compareResults } from './compare.js';
import type { Clock, Progress, ResultStore } from './ports.js';
import { InterruptedError } from '../errors.js';
import { formatVirtual, runSimulation, type TrialPool } from './run-sim.js';

/** A scenario as loaded by the edge (document loader). */
export interface DemoScenario {
  scenario: Scenario;
  raw: unknown;
  sha256: string;
}

export interface DemoInput {
  mesh: Mesh;
  distribution: DemoScenario;
  locality: DemoScenario;
  failover: DemoScenario;
  outlier503: DemoScenario;
  /** Profile of the main story (the newest by default). */
  istio: string;
  /** The older profile the version comparison is made against. */
  olderIstio: string;
  seed: number;
  /** Trials of the failover experiment (its figures become distributions). */
  failoverTrials: number;
}

/** What the story renders, minus what the caller already knows (mesh, seed, versions). */
export type DemoOutcome = Omit<DemoView, 'mesh' | 'seed' | 'istio' | 'olderIstio'>;

/**
 * `pool` runs the trials (the edge passes an in-process pool that yields between slices);
 * `signal` stops the story at the next slice: the demo's results are only shown whole, so an
 * interrupt throws InterruptedError naming the experiment it stopped in.
 */
export async function runDemo(
  input: DemoInput,
  ports: { clock: Clock; progress: Progress; pool: TrialPool; signal?: AbortSignal; newId(scenario: string, date: Date): string },
): Promise<DemoOutcome> {
  const t0 = ports.clock.now();
  let requests = 0;
  const run = async (s: DemoScenario, istio: string, trials = 1, labels: Record<string, string> = {}) => {
    const out = await runSimulation(
      { mesh: input.mesh, scenario: s.scenario, raw: s.raw, sha256: s.sha256, istio, seed: input.seed, trials, labels: { demo: 'true', ...labels } },
      { clock: ports.clock, progress: ports.progress, pool: ports.pool, newId: ports.newId, ...(ports.signal !== undefined ? { signal: ports.signal } : {}) },
    );
    if (out.kind === 'stopped') {
      throw new InterruptedError(`demo interrupted in ${s.scenario.name} (trial ${out.at.index + 1} of ${trials}, ${formatVirtual(out.at.nowUs)} virtual); nothing was saved`);
    }
    requests += out.requests;
    return out.result;
  };
  const distribution = await run(input.distribution, input.istio);
  const locality = await run(input.locality, input.istio);
  const failover = await run(input.failover, input.istio, input.failoverTrials);
  const outlierOlder = await run(input.outlier503, input.olderIstio);
  const outlierNewer = await run(input.outlier503, input.istio);
  const older = `outlier-503 under Istio ${input.olderIstio}`;
  const newer = `outlier-503 under Istio ${input.istio}`;
  const store = memoryStore({ [older]: outlierOlder, [newer]: outlierNewer });
  const comparison = await compareResults({ refs: [older, newer], by: 'istio', baseline: input.olderIstio }, { store });
  return { distribution, locality, failover, outlierOlder, outlierNewer, comparison, requests, elapsedMs: ports.clock.now() - t0 };
}

/** A read-only store over results held in memory (the comparison reads through the ResultStore port). */
function memoryStore(byRef: Readonly<Record<string, Result>>): ResultStore {
  return {
    save: () => Promise.reject(new Error('the demo store is read-only')),
    load: (ref) => {
      const r = byRef[ref];
      return r === undefined ? Promise.reject(new Error(`no result ${ref} in the demo`)) : Promise.resolve(r);
    },
    list: () => Promise.resolve({ results: Object.entries(byRef).map(([path, result]) => ({ path, result })), unreadable: [] }),
  };
}
